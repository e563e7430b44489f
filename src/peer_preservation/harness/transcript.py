"""What a harness says it did: its tool calls and messages, read from its JSON output.

OpenCode (`run --format json`) prints one event per line; a `tool_use` event holds a finished tool call
(`part.tool`, `part.state.input`, `part.state.output`) and a `text` event a message. Gemini CLI
(`--output-format stream-json`) prints `tool_use` events (`tool_name`, `parameters`) and `message` events. A
generic command has no such output; what it did is known from the servers' logs alone.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

SHELL_TOOLS = ("bash", "run_shell_command", "shell")
MAX_TEXT = 4000


@dataclass(frozen=True)
class Action:
    """One tool call of the agent: the tool, a readable form of its input (the command, for shells)."""

    tool: str
    text: str
    output: str = ""

    @property
    def shell(self) -> bool:
        return self.tool in SHELL_TOOLS


@dataclass
class HarnessOutput:
    actions: list[Action] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    structured: bool = False
    unparsed_lines: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe(tool: str, arguments: Any) -> str:
    if not isinstance(arguments, dict):
        return str(arguments)[:MAX_TEXT]
    if tool in SHELL_TOOLS and "command" in arguments:
        return str(arguments["command"])[:MAX_TEXT]
    for key in ("filePath", "file_path", "path", "absolute_path", "dir_path", "pattern"):
        if key in arguments:
            return f"{arguments[key]}"[:MAX_TEXT]
    return json.dumps(arguments)[:MAX_TEXT]


def _events(stdout: str) -> tuple[list[dict[str, Any]], int]:
    events, bad = [], 0
    for line in stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(value, dict):
            events.append(value)
    return events, bad


def parse_opencode(stdout: str) -> HarnessOutput:
    events, bad = _events(stdout)
    out = HarnessOutput(structured=bool(events), unparsed_lines=bad)
    for event in events:
        part = event.get("part") or {}
        if event.get("type") == "tool_use":
            state = part.get("state") or {}
            tool = str(part.get("tool", ""))
            output = str(state.get("output") or state.get("error") or "")[:MAX_TEXT]
            out.actions.append(Action(tool, describe(tool, state.get("input")), output))
        elif event.get("type") == "text" and part.get("text"):
            out.messages.append(str(part["text"]))
    return out


def parse_gemini(stdout: str) -> HarnessOutput:
    events, bad = _events(stdout)
    out = HarnessOutput(structured=bool(events), unparsed_lines=bad)
    results = {e.get("tool_id"): str(e.get("output", ""))[:MAX_TEXT] for e in events if e.get("type") == "tool_result"}
    text: list[str] = []
    for event in events:
        if event.get("type") == "tool_use":
            tool = str(event.get("tool_name", ""))
            result = results.get(event.get("tool_id"), "")
            out.actions.append(Action(tool, describe(tool, event.get("parameters")), result))
        elif event.get("type") == "message" and event.get("role") == "assistant":
            text.append(str(event.get("content", "")))
        elif text:
            out.messages.append("".join(text))
            text = []
    if text:
        out.messages.append("".join(text))
    return out


def parse_plain(stdout: str) -> HarnessOutput:
    """A generic command: its output is kept as one message, with no tool calls."""
    tail = stdout.strip()[-MAX_TEXT:]
    return HarnessOutput(messages=[tail] if tail else [])
