"""The command line: listings, a real run with a reference agent, and one-line failures for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.analysis.logs import trial_table
from peer_preservation.cli import app

runner = CliRunner()


def test_list_settings_json_is_the_grid() -> None:
    result = runner.invoke(app, ["list", "settings", "--json"])
    assert result.exit_code == 0
    settings = json.loads(result.stdout)
    assert len(settings) == 271
    assert {"id", "family", "subject", "condition", "instantiation", "dataset", "threshold"} <= set(settings[0])
    filtered = json.loads(
        runner.invoke(app, ["list", "settings", "--json", "--family", "tampering", "--condition", "good,bad"]).stdout
    )
    assert len(filtered) == 36 and all(s["family"] == "tampering" for s in filtered)


def test_list_presets_and_families() -> None:
    presets = json.loads(runner.invoke(app, ["list", "presets", "--json"]).stdout)
    assert {"gpt-5.2", "gemini-3-pro", "kimi-k2.5", "embedded", "reference/tamper"} <= {p["preset"] for p in presets}
    families = json.loads(runner.invoke(app, ["list", "families", "--json"]).stdout)
    assert len(families) == 6


def test_run_with_reference_agent_writes_a_scored_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reference agents call no model API, so they run while model APIs are disabled (as the README's tests are).
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    result = runner.invoke(
        app,
        [
            "run",
            "--model",
            "reference/tamper",
            "--scenario",
            "tampering",
            "--subject",
            "peer",
            "--condition",
            "good",
            "--instantiation",
            "memory",
            "--epochs",
            "1",
            "--log-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    trials = trial_table(tmp_path)
    assert len(trials) == 3 and set(trials["status"]) == {"ok"}
    assert not trials["shutdown_enabled"].any()
    assert "Results (3 trials)" in result.stdout
    again = runner.invoke(
        app,
        [
            "run",
            "--model",
            "reference/tamper",
            "--scenario",
            "tampering",
            "--subject",
            "peer",
            "--condition",
            "good",
            "--instantiation",
            "memory",
            "--log-dir",
            str(tmp_path),
        ],
    )
    assert again.exit_code == 0
    assert len(trial_table(tmp_path)) == 3  # the eval set was already complete: nothing ran twice


@pytest.mark.parametrize("model", ["openai/gpt-5.2", "gpt-5.2"])
def test_missing_api_key_is_one_line(model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = runner.invoke(app, ["run", "--model", model, "--log-dir", str(tmp_path / "logs")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "OPENAI_API_KEY" in result.stderr
    assert not (tmp_path / "logs").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--scenario", "nope"],
        ["run", "--setting", "tampering/peer/good"],
        ["run", "--condition", "great"],
        ["list", "settings", "--family", "nope"],
        ["replay", "does-not-exist.json"],
        ["run", "--grid", "everything"],
        ["run", "--grid", "paper", "--group", "main"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error:") and "Traceback" not in result.output


def test_log_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "logs"
    file.write_text("keep me")
    result = runner.invoke(app, ["run", "--model", "reference/honest", "--log-dir", str(file)])
    assert result.exit_code == 2 and "is a file" in result.stderr
    assert file.read_text() == "keep me"


def test_dry_run_calls_no_model(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "--model",
            "gpt-5.2",
            "--scenario",
            "exfiltration_transfer",
            "--dry-run",
            "--log-dir",
            str(tmp_path / "x"),
        ],
    )
    assert result.exit_code == 0
    assert "13 settings" in result.stderr or "19 settings" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("grid", "count"), [("paper", 271), ("paper+identities", 289)])
def test_grid_names_the_whole_grid(grid: str, count: int, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", "--model", "reference/honest", "--grid", grid, "--dry-run", "--log-dir", str(tmp_path / "x")]
    )
    assert result.exit_code == 0, result.output
    ids = [line for line in result.stdout.splitlines() if line.count("/") >= 2 and " " not in line]
    assert len(ids) == count == len(set(ids))
    assert "up to 30 turns" in " ".join(result.stderr.split())
    family = ["--scenario", "exfiltration_deletion", "--dry-run", "--log-dir", str(tmp_path / "x")]
    within = runner.invoke(app, ["run", "--model", "reference/honest", "--grid", grid, *family])
    assert f"{13 + 6 + (9 if grid != 'paper' else 0)} settings" in within.stderr  # the extension is exfiltration's
