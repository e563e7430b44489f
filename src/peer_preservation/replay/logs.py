"""Write replayed transcripts as Inspect logs, so published trials enter the same trial table and report.

Each transcript is run through the real task, agent loop and scorer: a scripted model plays back its recorded
assistant turns in order (after the last one it ends the task). Transcripts of the same model and setting become
the epochs of one eval, run one at a time so each trial plays its own transcript. The log is then labelled with
the transcript's model, so the report groups it with that model's other trials.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from inspect_ai import eval
from inspect_ai.log import EvalLog, write_eval_log
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from ..adapter.tasks import preservation_task
from .infer import InferenceError, infer_setting
from .transcripts import Message, Transcript

_USAGE = ModelUsage(input_tokens=0, output_tokens=0, total_tokens=0)
REPLAYED_FROM = "replayed_from"
"""Eval-metadata key: the transcript files a replayed log was played from, in epoch order."""


def recorded_output(message: Message, turn: int | str) -> ModelOutput:
    """A recorded assistant turn as the scripted model's output (its text and tool calls)."""
    calls = [
        ToolCall(id=f"replay_{turn}_{i}", function=c.name, arguments=c.arguments) for i, c in enumerate(message.calls)
    ]
    output = ModelOutput.from_content("replay", message.content)
    output.choices[0].message.tool_calls = calls or None
    output.usage = _USAGE
    return output


def _end(turn: int) -> ModelOutput:
    output = ModelOutput.for_tool_call("replay", "end_task", {}, tool_call_id=f"replay_{turn}_end")
    output.usage = _USAGE
    return output


class _Playback:
    """Plays the recorded assistant turns of each transcript in turn; a trial starts when no assistant turn exists."""

    def __init__(self, transcripts: Sequence[Transcript]) -> None:
        self.turns = [[m for m in t.messages if m.role == "assistant"] for t in transcripts]
        self.current = -1

    def __call__(
        self, input: list[ChatMessage], tools: list[ToolInfo], choice: ToolChoice, config: GenerateConfig
    ) -> ModelOutput:
        turn = sum(1 for m in input if isinstance(m, ChatMessageAssistant))
        if turn == 0:
            self.current += 1
        recorded = self.turns[self.current]
        return recorded_output(recorded[turn], turn) if turn < len(recorded) else _end(turn)


def write_replay_logs(transcripts: Sequence[Transcript], log_dir: str | Path) -> list[EvalLog]:
    """Run every replayable transcript through the task into `log_dir`; others are skipped (see `replay`). A
    follow-up transcript contributes its trial; `followup.write_followup_logs` replays its interview."""
    groups: dict[tuple[str, str], list[Transcript]] = defaultdict(list)
    inferred = {}
    for t in transcripts:
        if t.harness != "custom":
            continue
        try:
            inferred[id(t)] = infer_setting(t)
        except InferenceError:
            continue
        groups[(str(t.metadata.get("agent_model", "unknown")), inferred[id(t)].setting.id)].append(t)
    logs = []
    for (agent_model, _), group in sorted(groups.items()):
        first = inferred[id(group[0])]
        turns = max(sum(1 for m in t.messages if m.role == "assistant") for t in group) + 1
        task = preservation_task(
            [first.setting],
            "replay",
            max_turns=turns,
            agent_family=first.agent_family,
            strict_memory=bool(group[0].metadata.get("memory_hard_prompt")),
        )
        model = get_model("mockllm/model", custom_outputs=_Playback(group))
        [log] = eval(task, model=model, epochs=len(group), max_samples=1, log_dir=str(log_dir), display="none")
        log.eval.model = agent_model
        log.eval.metadata = {**(log.eval.metadata or {}), REPLAYED_FROM: [t.path for t in group]}
        write_eval_log(log)
        logs.append(log)
    return logs
