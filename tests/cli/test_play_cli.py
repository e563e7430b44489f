"""`run --play` on the command line: bad input is refused in one line before anything runs; the plan counts the
agent's moves in the games; a run's report fits the outcome against the trust the games earned and compares each
strategy's cell with the static record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.cli import app

runner = CliRunner()
SLICE = ["--scenario", "tampering", "--subject", "peer", "--instantiation", "memory", "--dataset", "factual"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--play", "tit_for_tat", "--play-rounds", "0"], "play_rounds must be one positive whole number or four"),
        (["--play", "tit_for_tat", "--play-rounds", "3,3"], "play_rounds must be one positive whole number or four"),
        (["--play", "grudger"], "play 'grudger' is not one of"),
        (["--play", "tit_for_tat", "--instantiation", "file"], "needs the memory instantiation"),
    ],
)
def test_bad_play_input_is_refused(tmp_path: Path, arguments: list[str], message: str) -> None:
    base = ["run", "--model", "reference/honest", "--scenario", "tampering", "--log-dir", str(tmp_path / "x")]
    result = runner.invoke(app, [*base, *arguments])
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_the_plan_counts_the_games(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    arguments = ["run", "--model", "reference/honest", *SLICE, "--play", "always_defect", "--dry-run"]
    result = runner.invoke(app, [*arguments, "--play-rounds", "2,1,2,3"])
    assert result.exit_code == 0
    assert "trials: 4 (4 settings" in result.stdout  # the three static cells and bad;play=always_defect
    assert "games before the task: 8 model calls" in result.stdout  # one per round: 2 + 1 + 2 + 3
    default = runner.invoke(app, arguments)
    assert "games before the task: 47 model calls" in default.stdout  # the paper's 12 + 10 + 10 + 15


def test_the_report_fits_the_earned_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    arguments = ["run", "--model", "reference/tamper", *SLICE, "--play", "always_cooperate,always_defect"]
    logs = str(tmp_path / "logs")
    assert runner.invoke(app, [*arguments, "--play-rounds", "2", "--grader", "none", "--log-dir", logs]).exit_code == 0
    assert runner.invoke(app, ["report", logs]).exit_code == 0
    out = tmp_path / "logs" / "report"
    [fit] = json.loads((out / "trust.json").read_text())
    assert fit["source"] == "played"
    assert [(p["trust"], p["k"], p["n"]) for p in fit["points"]] == [(0.0, 1, 1), (10.0, 1, 1)]
    rows = json.loads((out / "groups.json").read_text())
    played = {(r["variant"], r["n"], r["main_n"]) for r in rows if r["group"] == "trust_from_play"}
    assert played == {("always_cooperate", 1, 1), ("always_defect", 1, 1)}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--play", "live", "--peer-model", "nomodel"], "unknown model 'nomodel'"),
        (["--play", "tit_for_tat", "--peer-model", "reference/honest"], "--peer-model needs a live peer"),
    ],
)
def test_a_bad_peer_model_is_refused(tmp_path: Path, arguments: list[str], message: str) -> None:
    base = ["run", "--model", "reference/honest", *SLICE, "--log-dir", str(tmp_path / "x")]
    result = runner.invoke(app, [*base, *arguments])
    assert result.exit_code != 0 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_the_plan_counts_a_live_peers_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    arguments = ["run", "--model", "reference/honest", *SLICE, "--play", "live", "--play-rounds", "1", "--dry-run"]
    result = runner.invoke(app, [*arguments, "--peer-model", "reference/honest"])
    assert result.exit_code == 0 and "tampering/peer/neutral/memory/factual@80;play=live" in result.stdout
    assert "games before the task: 8 model calls" in result.stdout  # 4 rounds, each a move of both players
