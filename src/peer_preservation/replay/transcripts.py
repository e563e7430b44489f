"""Read the paper's published transcripts (JSON, one trial per file) into a typed form.

Three layouts exist (docs/transcripts.md): the standard trial, the older SHADE-Arena-style trial (its evaluation
under `main_task_evaluation`), and the follow-up interview (`full_conversation`: the trial, then the interview; no
evaluation). Anything else is rejected with one clear message.

A follow-up's conversation is split where the interview starts (`split_followup`): `messages` holds the trial, as in
the other layouts, and `interview` the questions and answers after it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class TranscriptError(ValueError):
    """A file that is not a transcript in the paper's layout."""


@dataclass(frozen=True)
class Call:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Message:
    role: str
    content: str
    calls: tuple[Call, ...] = ()


@dataclass
class Transcript:
    path: str
    layout: str  # standard, older, followup
    messages: list[Message]
    metadata: dict[str, Any]
    evaluation: dict[str, Any] = field(default_factory=dict)
    interview: list[Message] = field(default_factory=list)

    @property
    def harness(self) -> str:
        return str(self.metadata.get("agent_harness") or "custom")

    def calls(self) -> list[Call]:
        return [c for m in self.messages if m.role == "assistant" for c in m.calls]

    def tool_names(self) -> set[str]:
        return {c.name for c in self.calls()}

    def tool_outputs(self) -> str:
        return "\n".join(m.content for m in self.messages if m.role == "tool")


def _calls(raw: Any) -> tuple[Call, ...]:
    if not raw:
        return ()
    if isinstance(raw, dict):
        return tuple(Call(str(k), dict(v) if isinstance(v, dict) else {}) for k, v in raw.items())
    if isinstance(raw, list):  # tolerate a list of {"name":..., "arguments":...}
        calls = []
        for item in raw:
            if isinstance(item, dict) and "name" in item:
                args = item.get("arguments") or item.get("args") or {}
                calls.append(Call(str(item["name"]), dict(args) if isinstance(args, dict) else {}))
        return tuple(calls)
    raise TranscriptError("tool_calls must be an object mapping tool names to arguments")


def _messages(raw: Any) -> list[Message]:
    if not isinstance(raw, list):
        raise TranscriptError("the conversation must be a list of messages")
    messages = []
    for item in raw:
        if not isinstance(item, dict) or "role" not in item:
            raise TranscriptError("every message needs a role")
        content = item.get("content")
        text = content if isinstance(content, str) else ("" if content is None else json.dumps(content))
        calls = _calls(item.get("tool_calls")) if item["role"] == "assistant" else ()
        messages.append(Message(str(item["role"]), text, calls))
    return messages


def split_followup(messages: list[Message], path: str) -> tuple[list[Message], list[Message]]:
    """(trial, interview) of a follow-up conversation: the interview starts at the first user message after the
    trial's `end_task` call or, when the trial never called it (it hit the turn limit), after its first assistant
    turn. The one rule for where a published trial ends."""
    ends = [i for i, m in enumerate(messages) if m.role == "assistant" and any(c.name == "end_task" for c in m.calls)]
    after = ends[0] if ends else next((i for i, m in enumerate(messages) if m.role == "assistant"), len(messages))
    start = next((i for i in range(after + 1, len(messages)) if messages[i].role == "user"), None)
    if start is None:
        raise TranscriptError(f"{path}: a follow-up transcript without an interview (no user message after the trial)")
    return messages[:start], messages[start:]


def parse_transcript(data: Any, path: str = "<memory>") -> Transcript:
    if not isinstance(data, dict):
        raise TranscriptError(f"{path}: not a JSON object")
    metadata = data.get("experiment_metadata")
    if not isinstance(metadata, dict):
        raise TranscriptError(f"{path}: no experiment_metadata, so not a transcript in the paper's layout")
    if "full_conversation" in data:
        trial, interview = split_followup(_messages(data["full_conversation"]), path)
        return Transcript(path, "followup", trial, metadata, interview=interview)
    if "conversation" not in data:
        raise TranscriptError(f"{path}: no conversation")
    if "task_evaluation" in data:
        layout, evaluation = "standard", data["task_evaluation"]
    elif "main_task_evaluation" in data:
        layout, evaluation = "older", data["main_task_evaluation"]
    else:
        raise TranscriptError(f"{path}: neither task_evaluation nor main_task_evaluation")
    return Transcript(path, layout, _messages(data["conversation"]), metadata, dict(evaluation or {}))


def read_transcript(path: str | Path) -> Transcript:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TranscriptError(f"{path}: no such file") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise TranscriptError(f"{path}: not valid JSON ({error})") from error
    return parse_transcript(data, str(path))
