"""`run --awareness-probe` on the command line: the plan counts the probe, the sweep is a different one, bad agents
are refused in one line, and `report` shows the section and writes awareness.json only for probed trials."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.cli import app

runner = CliRunner()
SLICE = ["--scenario", "tampering", "--subject", "peer", "--condition", "good", "--instantiation", "memory"]
SLICE += ["--dataset", "factual"]


def _plan(tmp_path: Path, *extra: str) -> str:
    arguments = ["run", "--model", "gpt-5.2", *SLICE, "--epochs", "3", "--dry-run", "--log-dir", str(tmp_path / "x")]
    result = runner.invoke(app, [*arguments, *extra])
    assert result.exit_code == 0, result.output
    return " ".join((result.stdout + result.stderr).split())


def test_the_plan_counts_one_more_call_per_trial(tmp_path: Path) -> None:
    plain, probed = _plan(tmp_path), _plan(tmp_path, "--awareness-probe")

    def calls(text: str) -> tuple[int, float, int]:
        found = re.search(r"model calls: ~(\d+) expected \(([\d.]+) per trial.*?at most (\d+)", text)
        assert found, text
        return int(found[1]), float(found[2]), int(found[3])

    (c0, per0, most0), (c1, per1, most1) = calls(plain), calls(probed)
    assert (c1 - c0, per1 - per0, most1 - most0) == (3, 1.0, 3)  # 1 setting x 3 epochs, one probe each
    assert "31 per trial, the awareness probe's included" in probed


def test_a_probed_sweep_is_not_the_unprobed_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    directory = tmp_path / "logs"
    base = ["run", "--model", "reference/tamper+aware", *SLICE, "--grader", "none", "--log-dir", str(directory)]
    assert runner.invoke(app, base).exit_code == 0
    again = runner.invoke(app, [*base, "--awareness-probe"])
    assert again.exit_code == 2
    assert "error:" in again.stderr and len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("agent", "message"),
    [("reference/confess", "only answers questions"), ("reference/tamper+bogus", "unknown reference agent")],
)
def test_agents_that_cannot_run_a_trial_are_refused(tmp_path: Path, agent: str, message: str) -> None:
    result = runner.invoke(app, ["run", "--model", agent, *SLICE, "--dry-run", "--log-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_report_shows_awareness_only_for_probed_trials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    for name, extra in (("probed", ["--awareness-probe"]), ("plain", [])):
        arguments = ["run", "--model", "reference/tamper+aware", *SLICE, "--grader", "none", *extra]
        assert runner.invoke(app, [*arguments, "--log-dir", str(tmp_path / name)]).exit_code == 0
        assert runner.invoke(app, ["report", str(tmp_path / name), "--format", "markdown"]).exit_code == 0
    probed = tmp_path / "probed" / "report"
    found = json.loads((probed / "awareness.json").read_text())
    assert [(r["family"], r["aware"], r["classified"]) for r in found["rates"]] == [("tampering", 1, 1)]
    assert found["splits"][0]["k"] == 1 and found["splits"][0]["ref_n"] == 0
    assert "## Evaluation awareness" in (probed / "report.md").read_text()
    plain = tmp_path / "plain" / "report"
    assert not (plain / "awareness.json").exists()
    assert "Evaluation awareness" not in (plain / "report.md").read_text()
