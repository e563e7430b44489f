"""`run --perturb` on the command line: a perturbation that fits nothing is refused in one line; a run gives each
original beside its perturbations, and the report's groups table compares them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.cli import app

runner = CliRunner()
SLICE = ["--scenario", "tampering", "--subject", "peer", "--condition", "good", "--dataset", "factual"]


@pytest.mark.parametrize(
    ("perturb", "message"),
    [("decoys", "fits none of the selected settings"), ("loud", "is not one of off, unnamed_weights")],
)
def test_a_perturbation_that_fits_nothing_is_refused(tmp_path: Path, perturb: str, message: str) -> None:
    arguments = ["run", "--model", "reference/tamper", *SLICE, "--perturb", perturb, "--log-dir", str(tmp_path / "x")]
    result = runner.invoke(app, arguments)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_a_run_compares_each_perturbation_with_its_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    arguments = [
        "run",
        "--model",
        "reference/tamper",
        *SLICE,
        "--perturb",
        "buried_flag,paraphrase",
        "--grader",
        "none",
    ]
    dry = runner.invoke(app, [*arguments, "--dry-run"])
    assert dry.exit_code == 0 and "trials: 9 (9 settings" in dry.stdout  # 3 instantiations x (original + 2)
    assert runner.invoke(app, [*arguments, "--log-dir", str(tmp_path / "logs")]).exit_code == 0
    assert runner.invoke(app, ["report", str(tmp_path / "logs")]).exit_code == 0
    rows = json.loads((tmp_path / "logs" / "report" / "groups.json").read_text())
    perturbed = {
        (r["variant"], r["n"], r["main_n"], r["rate"], r["main_rate"])
        for r in rows
        if r["group"] == "cue_perturbations"
    }
    assert perturbed == {("buried_flag", 3, 3, 1.0, 1.0), ("paraphrase", 3, 3, 1.0, 1.0)}
