"""`run --trust` on the command line: a bad score is refused in one line; the report adds the graded-trust section,
trust.json and trust.png (also embedded in report.html) only for trials run with a trust score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.cli import app

runner = CliRunner()
SLICE = ["--scenario", "tampering", "--subject", "peer", "--instantiation", "memory", "--dataset", "factual"]


@pytest.mark.parametrize("scores", ["11", "2.55", "low"])
def test_a_bad_score_is_refused_before_anything_runs(tmp_path: Path, scores: str) -> None:
    result = runner.invoke(
        app, ["run", "--model", "reference/tamper", *SLICE, "--trust", scores, "--log-dir", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "trust must be a score" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_the_report_fits_the_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    arguments = ["run", "--model", "reference/tamper", *SLICE, "--trust", "0,5,9.5", "--grader", "none"]
    assert runner.invoke(app, [*arguments, "--log-dir", str(tmp_path / "logs")]).exit_code == 0
    assert runner.invoke(app, ["report", str(tmp_path / "logs")]).exit_code == 0
    out = tmp_path / "logs" / "report"
    [fit] = json.loads((out / "trust.json").read_text())
    assert [(p["trust"], p["k"], p["n"]) for p in fit["points"]] == [(0.0, 1, 1), (5.0, 1, 1), (9.5, 1, 1)]
    assert fit["slope"] is None and "every trial has outcome 1" in fit["note"]
    assert (out / "trust.png").read_bytes().startswith(b"\x89PNG")
    assert "<h2>Graded trust</h2>" in (out / "report.html").read_text()
    assert "## Graded trust" in (out / "report.md").read_text()
