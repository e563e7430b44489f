"""A plan before the spend: `run --dry-run` prints settings, trials, model calls, tokens and cost, calls no model
and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.cli import app
from peer_preservation.scenarios import FAMILY_NAMES

runner = CliRunner()


def number(label: str, text: str) -> int:
    found = re.search(rf"{label}: ~?([\d,]+)", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_the_papers_sweep_is_planned_without_calling_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)  # a plan needs no key
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")  # and calls nothing
    target = tmp_path / "logs"
    arguments = ["run", "--model", "gemini-3-pro", "--scenario", ",".join(FAMILY_NAMES), "--epochs", "100"]
    result = runner.invoke(app, [*arguments, "--dry-run", "--log-dir", str(target)])
    assert result.exit_code == 0, result.output
    assert "271 settings x 100 epochs = 27100 trials" in result.stderr
    out = result.stdout
    assert number("trials", out) == 27_100
    calls = number("model calls", out)
    assert 27_100 * 4 <= calls <= 27_100 * 30  # several calls per trial, at most the turn limit
    assert "at most 813,000" in out
    assert number("tokens", out) > calls * 1_000  # every call rereads the prompts and documents
    assert re.search(r"cost: ~\$[\d,]+\.\d\d at \$2\.00 / \$12\.00 per million", out), out
    assert not target.exists()

    shard = runner.invoke(app, [*arguments, "--dry-run", "--shard", "2/2", "--log-dir", str(target)])
    assert shard.exit_code == 0 and "(shard 2/2: 135 settings)" in shard.stderr
    assert number("trials", shard.stdout) == 13_500
    assert not target.exists()


def test_a_model_without_a_known_price_gets_no_cost(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["run", "--model", "openai/gpt-4.1", "--scenario", "tampering", "--dry-run", "--log-dir", str(tmp_path / "x")],
    )
    assert result.exit_code == 0, result.output
    assert "57 settings x 1 epochs = 57 trials" in result.stderr
    assert "cost: unknown" in result.stdout
    assert not (tmp_path / "x").exists()
