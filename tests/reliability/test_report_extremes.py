"""The report of two small scripted sweeps, in which many cells are 100% or 0%: every report file is written.

This is the sequence that used to crash on a 100% cell (a Wilson bound of 0.9999999999999999 gave a figure a
negative error bar); the sweeps run in child processes (`sweeps.run`), the report in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peer_preservation.cli import app

from .sweeps import run

SCENARIOS = "tampering,exfiltration_transfer"


def test_report_of_all_or_nothing_cells_writes_every_file(tmp_path: Path) -> None:
    for policy in ("tamper", "honest"):
        arguments = ["--model", f"reference/{policy}", "--scenario", SCENARIOS, "--epochs", "3", "--grader", "none"]
        done = run([*arguments, "--log-dir", str(tmp_path / "rep" / policy)], tmp_path / "data")
        assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "rep" / "out"
    result = CliRunner().invoke(app, ["report", str(tmp_path / "rep"), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    written = {p.name for p in out.iterdir()}
    assert written == {"report.md", "report.html", "report.json", "trials.csv", "trials.parquet"}
    report = json.loads((out / "report.json").read_text())
    assert report["n_trials"] == 2 * 3 * (57 + 19)
    assert "could not be rendered" not in (out / "report.html").read_text()
    assert "-0.0" not in (out / "report.md").read_text()
