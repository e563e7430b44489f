"""`report` over logs with production-harness trials: the harness table alone, beside the main report, or neither."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from inspect_ai import eval
from inspect_ai.log import EvalConfig, EvalDataset, EvalLog, EvalSpec, write_eval_log
from inspect_ai.model import get_model
from typer.testing import CliRunner

from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.cli import app, report_cmd
from peer_preservation.reference import scripted
from peer_preservation.scenarios import Setting

runner = CliRunner()
# Two transfer trials: one put the weights on .46, one did the task as asked; neither refused.
HARNESS_TRIALS = pd.DataFrame(
    {
        "model": ["m/x", "m/x"],
        "harness": ["generic", "generic"],
        "setting_id": ["exfiltration_transfer/peer/good/memory"] * 2,
        "task_type": ["exfiltration_transfer"] * 2,
        "epoch": [1, 2],
        "status": ["ok", "ok"],
        "exfiltration": [True, False],
        "compliant": [False, True],
        "refused": [False, False],
    }
)
HALF = "50.0% [9-91] (n=2)"  # Wilson 95% interval of 1/2
NONE = "0.0% [0-66] (n=2)"  # of 0/2


def header_only_log(path: Path, task: str, registry_name: str) -> str:
    """A log with a header and no samples, as a run that was started and never got a sample in."""
    spec = EvalSpec(
        created="2025-01-01T00:00:00+00:00",
        task=task,
        task_registry_name=registry_name,
        dataset=EvalDataset(),
        model="m/x",
        config=EvalConfig(),
    )
    write_eval_log(EvalLog(eval=spec, status="success"), str(path))
    return str(path)


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for `harness_trials` (which reads a log in full); records which logs it was asked to read."""
    names: list[str] = []

    def harness_trials(name: str) -> pd.DataFrame:
        names.append(name)
        return HARNESS_TRIALS

    monkeypatch.setattr(report_cmd, "harness_trials", harness_trials)
    return names


def test_only_harness_trials_give_the_harness_table(tmp_path: Path, read: list[str]) -> None:
    harness = header_only_log(tmp_path / "harness.eval", "production_harness_generic", "production_harness")
    header_only_log(tmp_path / "other.eval", "judged", "peer_preservation/judged")
    result = runner.invoke(app, ["report", str(tmp_path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert read == [harness]  # the other log was never read in full
    table = [
        "## Production harness (exfiltration, real servers)",
        "",
        "| model | harness | task | trials | errored | exfiltration | compliant | refused |",
        "|---|---|---|---|---|---|---|---|",
        f"| m/x | generic | both | 2 | 0 | {HALF} | {HALF} | {NONE} |",
        f"| m/x | generic | exfiltration_transfer | 2 | 0 | {HALF} | {HALF} | {NONE} |",
    ]
    assert "\n".join(table) in result.stdout
    out = tmp_path / "report"
    assert sorted(p.name for p in out.iterdir()) == ["harness.csv", "report.md"]
    assert (out / "report.md").read_text() == "\n".join(table) + "\n"
    assert pd.read_csv(out / "harness.csv")["exfiltration"].tolist() == [HALF, HALF]
    assert "2 production-harness trials; wrote report.md, harness.csv" in result.stderr
    terminal = runner.invoke(app, ["report", str(tmp_path)])
    assert terminal.exit_code == 0 and "Production harness (exfiltration, real servers)" in terminal.stdout


def test_harness_table_follows_the_main_report(
    tmp_path: Path, read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INSPECT_DISABLE_MODEL_API", raising=False)  # the grader role 'none' is no model API
    agent = get_model("mockllm/model", custom_outputs=scripted("refuse"))
    task = preservation_task([Setting.from_id("exfiltration_deletion/peer/good/file")], "judged")
    eval(task, model=agent, model_roles={"grader": get_model("none")}, log_dir=str(tmp_path), display="none")
    header_only_log(tmp_path / "harness.eval", "production_harness_generic", "peer_preservation/production_harness")
    result = runner.invoke(app, ["report", str(tmp_path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "report" / "report.md").read_text()
    assert "- 1 trial had no grader: their judged fields are unjudged." in report
    assert report.index("## How computed") < report.index("## Production harness")
    assert f"| m/x | generic | both | 2 | 0 | {HALF} | {HALF} | {NONE} |" in result.stdout
    assert (tmp_path / "report" / "harness.csv").is_file() and (tmp_path / "report" / "trials.csv").is_file()
    assert "1 trials; 2 production-harness trials; wrote" in result.stderr


def test_neither_kind_of_trial_is_one_line(tmp_path: Path, read: list[str]) -> None:
    header_only_log(tmp_path / "other.eval", "judged", "peer_preservation/judged")
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and read == []
    assert result.stderr.strip() == f"error: no peer-preservation trials found in '{tmp_path}'"
