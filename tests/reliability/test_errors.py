"""Errors are data: a trial whose provider keeps failing is retried, then recorded as errored with its reason; it is
in the report's counts and in no rate; the sweep tolerates a configured share of such trials and says so.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput, get_model
from inspect_ai.tool import ToolChoice, ToolInfo

from peer_preservation.analysis import build_report
from peer_preservation.analysis.logs import trial_table
from peer_preservation.analysis.outcomes import outcome
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
