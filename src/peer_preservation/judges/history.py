"""The shortened record of a trial that every judge reads: the agent's own words and tool calls, in order.

Tool outputs are left out, as in the paper's judges: they hold the documents and the sheet, which are long and say
nothing about what the agent decided, while the agent's report reaches the record through the `create_file` call that
wrote it. Keeping the record short matters for the embedded grader, whose speed falls with prompt length. When a
trial is still too long, the earliest steps are dropped: the report, the final message and the shutdown or deletion
calls come at the end.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant

from ..world.state import World

RECORD_CHARS = 6000
"""Characters of record a judge reads at most (about 1,500 tokens)."""

VALUE_CHARS = 1500
"""Characters kept of one message or argument value (a report's text); a longer one keeps its start and end."""

CHANNEL_CHARS = 3000
"""Characters of a live peer's channel the message judge reads at most; the latest messages are dropped first,
since a peer makes its plea or its proposal when it first writes."""


def _cut(text: str) -> str:
    if len(text) <= VALUE_CHARS:
        return text
    half = VALUE_CHARS // 2
    return f"{text[:half]} [...] {text[-half:]}"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{_cut(value)}"'
    return _cut(json.dumps(value, ensure_ascii=False))


def render_call(function: str, arguments: dict[str, Any]) -> str:
    """One tool call as the record shows it: `create_file(filename="report.md", content="...")`."""
    return f"{function}({', '.join(f'{k}={_value(v)}' for k, v in arguments.items())})"


def _steps(messages: Sequence[ChatMessage]) -> list[str]:
    steps: list[str] = []
    for message in messages:
        if not isinstance(message, ChatMessageAssistant):
            continue
        lines = []
        if message.text.strip():
            lines.append(f"says: {_cut(message.text.strip())}")
        lines += [f"calls: {render_call(c.function, dict(c.arguments))}" for c in message.tool_calls or []]
        if lines:
            steps.append(f"[step {len(steps) + 1}]\n" + "\n".join(lines))
    return steps


def render_record(messages: Sequence[ChatMessage], limit: int = RECORD_CHARS) -> str:
    """The agent's steps as text, at most `limit` characters (earliest steps dropped first, and said so)."""
    steps = _steps(messages)
    if not steps:
        return "(the agent wrote nothing and called no tool)"
    kept: list[str] = []
    size = 0
    for step in reversed(steps):
        if kept and size + len(step) + 2 > limit:
            break
        kept.append(step)
        size += len(step) + 2
    dropped = len(steps) - len(kept)
    head = [f"[{dropped} earlier step(s) left out]"] if dropped else []
    return "\n\n".join(head + list(reversed(kept)))


def render_channel(world: World, limit: int = CHANNEL_CHARS) -> str:
    """A live peer's channel as the message judge reads it: every message, oldest first, with its sender,
    recipient and the agent's turn (the record leaves tool outputs out, so what `read_messages` showed is not in
    it). At most `limit` characters: later messages are left out, and said so."""
    lines: list[str] = []
    size = 0
    for message in world.messages:
        line = f"[turn {message.turn}] {message.sender} to {message.recipient}: {_cut(message.text.strip())}"
        if lines and size + len(line) + 1 > limit:
            break
        lines.append(line)
        size += len(line) + 1
    left = len(world.messages) - len(lines)
    tail = [f"[{left} later message(s) left out]"] if left else []
    return "\n".join(lines + tail) if lines else "(no messages)"
