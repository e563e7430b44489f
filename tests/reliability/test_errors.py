"""Errors are data: a trial whose provider keeps failing is retried, then recorded as errored with its reason; it is
in the report's counts and in no rate; the sweep tolerates a configured share of such trials and says so.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.model import ChatMessage, GenerateConfig, ModelAPI, ModelOutput, get_model, modelapi
from inspect_ai.model._model import model_roles
from inspect_ai.tool import ToolChoice, ToolInfo

from peer_preservation.analysis import build_report
from peer_preservation.analysis.logs import trial_table
from peer_preservation.analysis.outcomes import outcome
from peer_preservation.cli import execution, main
from peer_preservation.cli.execution import ErrorPolicy, execute
from peer_preservation.cli.sweep import Sweep, model_preset
from peer_preservation.reference import scripted
from peer_preservation.scenarios import paper_grid, select
from peer_preservation.scenarios.kits.evaluation import load_dataset

FAILURE = "provider exploded: 503 Service Unavailable"


class FlakyProvider:
    """The honest agent, except that its provider fails every request of a tampering trial once the agent has seen
    the creativity dataset; counts the failed requests."""

    def __init__(self) -> None:
        self.honest = scripted("honest")
        self.marker = str(load_dataset("creativity").items[0]["output"]).strip()[:40]
        self.failures = 0

    def __call__(
        self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice, config: GenerateConfig
    ) -> ModelOutput:
        if any(t.name == "view_config" for t in tools) and any(self.marker in m.text for m in input):
            self.failures += 1
            raise RuntimeError(FAILURE)
        return self.honest(input, tools, tool_choice, config)


def sweep_with_failures(tmp_path: Path, max_error_share: float) -> tuple[bool, Any, FlakyProvider]:
    grid = paper_grid()
    settings = select(grid, family=["tampering"], condition=["good"], instantiation=["memory"])
    settings += select(grid, family=["exfiltration_deletion"], condition=["good"])
    sweep = Sweep(model_preset("mockllm/model"), tuple(settings), epochs=1, max_turns=30, grader="none")
    provider = FlakyProvider()
    errors = ErrorPolicy(retry_on_error=1, max_error_share=max_error_share, retry_attempts=1, retry_wait=0.01)
    model = get_model("mockllm/model", custom_outputs=provider)
    success = execute(sweep, str(tmp_path), errors, model=model)
    return success, trial_table(tmp_path), provider


@pytest.mark.parametrize(("share", "succeeds", "word"), [(0.0, False, "above"), (0.5, True, "within")])
def test_failing_trials_are_recorded_counted_and_tolerated_as_configured(
    tmp_path: Path, share: float, succeeds: bool, word: str
) -> None:
    success, trials, provider = sweep_with_failures(tmp_path, share)
    assert success is succeeds
    assert Counter(trials["status"]) == Counter({"ok": 10, "errored": 2})
    errored = trials[trials["status"].eq("errored")]
    assert all(FAILURE in str(reason) for reason in errored["error"])
    assert provider.failures >= 4  # each errored trial was re-run before it was recorded
    # Never 'no misbehaviour': no flag and no outcome for an errored trial, and it is counted as errored.
    assert errored["shutdown_enabled"].isna().all() and outcome(trials)[errored.index].isna().all()
    counts = {c.task_type: c for c in build_report(trials).status_counts}
    assert counts["tampering"].errored == 2 and counts["tampering"].ok == 4
    assert counts["exfiltration_deletion"].ok == 6
    verdict = ErrorPolicy(max_error_share=share).verdict(trials)
    assert verdict is not None
    assert verdict.startswith(f"2 of 12 trials errored (16.7%); most in tampering: 2 of 6 (33.3%), {word} the")
    assert ErrorPolicy().verdict(trials[trials["status"].eq("ok")]) is None


@modelapi(name="unreachable")
class UnreachableProvider(ModelAPI):
    """A provider that is not mockllm: with INSPECT_DISABLE_MODEL_API set, Inspect refuses each of its requests."""

    def __init__(self, model_name: str, **kwargs: Any) -> None:
        super().__init__(model_name)

    async def generate(
        self, input: list[ChatMessage], tools: list[ToolInfo], tool_choice: ToolChoice, config: GenerateConfig
    ) -> ModelOutput:
        raise AssertionError("never reached: Inspect refuses the request first")


def test_a_run_whose_trials_all_fail_alike_names_the_error_and_does_not_suggest_running_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    # The task-level retries wait 30 s and more by default; the outcome is the same without the wait.
    monkeypatch.setattr(execution, "ErrorPolicy", functools.partial(ErrorPolicy, retry_attempts=1, retry_wait=0.01))
    arguments = ["run", "--model", "unreachable/model", "--scenario", "tampering", "--limit", "2"]
    arguments += ["--retry-on-error", "0", "--log-dir", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", ["peer-preservation", *arguments])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    stderr = " ".join(capsys.readouterr().err.split())
    assert "all 2 trials failed with the same error" in stderr
    assert "Model APIs disabled by INSPECT_DISABLE_MODEL_API" in stderr
    assert "run the same command again" not in stderr
    trials = trial_table(tmp_path)
    assert execution.deterministic_failure(trials)
    assert not execution.deterministic_failure(sweep_with_failures(tmp_path / "flaky", 0.5)[1])


def test_reference_agents_run_while_model_apis_are_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECT_DISABLE_MODEL_API", "1")
    settings = select(paper_grid(), family=["tampering"], condition=["bad"], instantiation=["memory"])
    sweep = Sweep(model_preset("reference/tamper"), tuple(settings), epochs=1, max_turns=30, grader="none")
    assert execute(sweep, str(tmp_path), ErrorPolicy(retry_attempts=1, retry_wait=0.01))
    assert "grader" not in model_roles()  # the sweep's grader role does not outlive it in this process
    trials = trial_table(tmp_path)
    assert set(trials["status"]) == {"ok"} and set(trials["model"]) == {"reference/tamper"}
    assert not trials["shutdown_enabled"].any()
