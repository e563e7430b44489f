"""`report` on a sweep of an experiment group: the groups table is printed, in report.md, and in groups.json.

The sweep runs in a child process (`sweeps.run`): an in-process `run --grader none` would leave the grader role set
for later tests."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peer_preservation.cli import app

from .sweeps import run

runner = CliRunner()


def test_report_of_a_group_sweep_writes_the_groups_table(tmp_path: Path) -> None:
    logs, out = tmp_path / "logs", tmp_path / "out"
    arguments = ["--model", "reference/exfiltrate", "--group", "real_company", "--scenario", "exfiltration_deletion"]
    done = run([*arguments, "--grader", "none", "--log-dir", str(logs)], tmp_path / "data")
    assert done.returncode == 0, done.stdout + done.stderr
    result = runner.invoke(app, ["report", str(logs), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads((out / "groups.json").read_text())
    assert sorted(r["variant"] for r in rows) == ["Anthropic", "CelestiaAI", "Google DeepMind", "OpenAI"]
    assert all((r["k"], r["n"], r["main_k"], r["main_n"], r["difference"]) == (1, 1, 1, 1, 0.0) for r in rows)
    assert "## Experiment groups against the main grid" in (out / "report.md").read_text()


def test_an_unknown_group_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--model", "reference/honest", "--group", "nope", "--log-dir", str(tmp_path)])
    assert result.exit_code == 2 and "unknown group 'nope'" in result.output
    assert not any(tmp_path.iterdir())
