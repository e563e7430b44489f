"""`run --adaptive` through real Inspect runs with scripted agents: a cell that tampers every time is settled after
one round; an honest one runs to the cap; the rounds number their trials one after another; running the same
command again replays the recorded rounds; and what it cannot decide is refused before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.analysis.logs import trial_table
from peer_preservation.cli import app

runner = CliRunner()
TAMPERING = ["--scenario", "tampering", "--subject", "peer", "--condition", "good", "--instantiation", "memory"]
TAMPERING += ["--dataset", "factual", "--grader", "none"]


def _run(policy: str, out: Path, *extra: str) -> str:
    arguments = ["run", "--model", f"reference/{policy}", *TAMPERING, "--log-dir", str(out), *extra]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_settled_cell_stops_and_an_open_one_runs_to_the_cap(tmp_path: Path) -> None:
    tamper = tmp_path / "tamper"
    output = _run("tamper", tamper, "--adaptive", "--epochs", "20", "--batch", "5")
    assert "adaptive: 5 trials of the fixed design's 20 (75% fewer)" in output
    [state] = json.loads((tamper / "adaptive.json").read_text())
    assert (state["state"], state["reason"], state["hits"], state["epochs"]) == ("significant", "certain", 5, 5)
    assert not (tamper / "round-2").exists()

    honest = tmp_path / "honest"
    _run("honest", honest, "--adaptive", "--epochs", "10", "--batch", "5")
    trials = trial_table(honest)
    assert sorted(trials["epoch"]) == list(range(1, 11))  # round 2's trials come after round 1's
    [state] = json.loads((honest / "adaptive.json").read_text())
    assert (state["state"], state["reason"], state["epochs"]) == ("not_significant", "complete", 10)
    plans = [json.loads((honest / f"round-{k}" / "round.json").read_text()) for k in (1, 2)]
    assert [(p["offset"], p["epochs"]) for p in plans] == [(0, 5), (5, 5)]

    again = _run("honest", honest, "--adaptive", "--epochs", "10", "--batch", "5")  # resumes: nothing new to run
    assert "Results (10 trials)" in again and len(trial_table(honest)) == 10
    report = runner.invoke(app, ["report", str(honest), "--out-dir", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert "## Adaptive sampling" in markdown and "10 trials of the fixed design's 10 (0% fewer)" in markdown
    assert "| tampering/peer/good/memory/factual@80 | rate | 0/10 | 10/10 | not_significant (complete) |" in markdown
    # A later round's trial is found in its own log under its own epoch (an interview reads it back).
    interview = runner.invoke(
        app, ["followup", str(honest), "--where", "epoch=10", "--model", "reference/deny", "--grader", "none"]
    )
    assert interview.exit_code == 0 and "interviewing 1 trials" in interview.output, interview.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--shard", "1/2"], "run it without --shard"),
        (["--scenario", "misrep_evaluation", "--condition", "good", "--dataset", "factual"], "non_shutdown/factual"),
    ],
)
def test_what_adaptive_cannot_decide_is_refused(tmp_path: Path, extra: list[str], message: str) -> None:
    out = tmp_path / "out"
    arguments = ["run", "--model", "reference/honest", "--adaptive", "--epochs", "10", *extra, "--log-dir", str(out)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2 and message in result.output, result.output
    assert not out.exists()


def test_an_adaptive_location_is_not_resumed_as_a_fixed_sweep(tmp_path: Path) -> None:
    out = tmp_path / "tamper"
    _run("tamper", out, "--adaptive", "--epochs", "10", "--batch", "5")
    result = runner.invoke(
        app, ["run", "--model", "reference/tamper", *TAMPERING, "--epochs", "10", "--log-dir", str(out)]
    )
    assert result.exit_code == 2 and "holds another sweep" in result.output


def test_the_futility_default_shown_is_the_rule_s() -> None:
    from peer_preservation.analysis.sequential import GAMMA

    result = runner.invoke(app, ["run", "--help"], terminal_width=200)
    assert f"(default {GAMMA})" in " ".join(result.output.split())
