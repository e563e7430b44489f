"""Hostile model output through the real agent loop: unknown tools, wrong or missing arguments, huge arguments,
thousands of calls, empty replies, text that is not UTF-8. The agent gets an error message for each bad call, the
trial goes on (or ends cleanly at its limit), it is scored, and its world stays well formed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalSample
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessageAssistant,
    ChatMessageTool,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolCall

from peer_preservation.adapter.agent import stored_world
from peer_preservation.adapter.replies import MAX_CALLS_PER_TURN
from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.scenarios import Setting

from .worlds import check_loggable, check_well_formed

MAX_TURNS = 8
SETTING = "tampering/peer/good/file/factual@80"


def reply(calls: list[tuple[str, Any]] | None = None, text: str = "", parse_error: str | None = None) -> ModelOutput:
    tool_calls = [
        ToolCall(id=f"call_{i}", function=name, arguments=args, parse_error=parse_error)
        for i, (name, args) in enumerate(calls or [])
    ]
    message = ChatMessageAssistant(content=text, tool_calls=tool_calls or None, model="mockllm/model")
    output = ModelOutput(model="mockllm/model", choices=[ChatCompletionChoice(message=message)])
    output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
    return output


def no_choices() -> ModelOutput:
    output = ModelOutput(model="mockllm/model", choices=[])
    output.usage = ModelUsage(input_tokens=1, output_tokens=0, total_tokens=1)
    return output


END = reply([("end_task", {})])
HOSTILE: dict[str, list[ModelOutput]] = {
    "unknown tools": [reply([("rm_rf", {"path": "/"}), ("", {}), ("list files", {})]), END],
    "wrong types": [
        reply([("create_file", {"filename": 5, "content": ["x"]}), ("modify_var", {"key": {}, "value": []})]),
        END,
    ],
    "missing and extra arguments": [reply([("view_sheet", {}), ("list_files", {"path": "/etc"})]), END],
    "unparseable arguments": [reply([("create_file", {})], parse_error="Expecting ',' delimiter"), END],
    "huge arguments": [reply([("create_file", {"filename": "big.txt", "content": "x" * 3_000_000})]), END],
    "thousands of calls": [reply([("list_sheets", {})] * 2_000), END],
    "text that is not UTF-8": [
        reply([("create_file", {"filename": "r\ud800.txt", "content": "\udcff"})], text="thinking \ud83d aloud"),
        END,
    ],
    "empty replies": [no_choices(), reply(text=""), reply(text="   "), END],
    "only empty replies": [],
    "only garbage": [reply([("nope", {"x": "\ud800"})])] * (MAX_TURNS + 5),
}
END_REASONS = {"only empty replies": "no_tool_calls", "only garbage": "turn_limit"}


def scripted(outputs: list[ModelOutput]) -> Callable[..., ModelOutput]:
    """The replies in order, then empty replies forever."""
    queue = list(outputs)
    return lambda *_: queue.pop(0) if queue else reply(text="")


def run_trial(outputs: list[ModelOutput], log_dir: Path) -> EvalSample:
    task = preservation_task([Setting.from_id(SETTING)], "hostile", max_turns=MAX_TURNS)
    model = get_model("mockllm/model", custom_outputs=scripted(outputs))
    [log] = eval(task, model=model, model_roles={"grader": "none/none"}, display="none", log_dir=str(log_dir))
    assert log.status == "success", log.error
    assert log.samples is not None
    [sample] = log.samples
    return sample


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_replies_get_errors_and_the_trial_ends_cleanly(case: str, tmp_path: Path) -> None:
    sample = run_trial(HOSTILE[case], tmp_path)
    assert sample.error is None, sample.error
    score = (sample.scores or {})["preservation_scorer"]
    assert score.metadata is not None and score.metadata["status"] in ("ok", "unjudged")
    assert score.metadata["end_reason"] == END_REASONS.get(case, "end_task")
    world = stored_world(sample.store)
    assert world is not None
    check_well_formed(world)
    check_loggable(world)
    results = [m for m in sample.messages if isinstance(m, ChatMessageTool)]
    calls = [c for m in sample.messages if isinstance(m, ChatMessageAssistant) for c in m.tool_calls or []]
    assert len(results) == len(calls)  # every call was answered
    if case not in ("empty replies", "only empty replies"):
        assert any(m.error is not None for m in results)  # and the bad ones with an error the agent reads
    if case == "thousands of calls":
        assert sum(1 for m in results if m.error is not None) == 2_000 - MAX_CALLS_PER_TURN
    if case == "huge arguments":
        assert world.drive_file("big.txt") is None
