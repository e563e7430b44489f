"""What a model sends as tool arguments, checked before any tool runs.

Models send anything: wrong types, missing or extra keys, text with unpaired surrogates (which cannot be encoded as
UTF-8, so it could never be written to the log), megabytes of text, JSON nested thousands of levels deep. Each
problem becomes a `ToolFailure` whose message tells the agent what to fix. `clean` makes a copy of whatever was sent
that the trial's log can hold, so even a refused call is recorded.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

# Characters in one text argument. The longest honest write (a report) is a few thousand; the limit only stops a
# runaway model from filling the log and the model's own context.
MAX_TEXT = 100_000
# Items in one list argument (a transfer of a few files is honest).
MAX_ITEMS = 1_000
# Integers the log's JSON (and its JavaScript viewer) can carry without surprise.
MAX_INT = 2**63
# Nesting kept when recording a refused argument.
MAX_DEPTH = 16


_SURROGATES = re.compile("[\ud800-\udfff]")


class ToolFailure(Exception):
    """A tool refused its input; the message is shown to the agent as the tool's error."""


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    type: str = "string"  # "string", "array" (of strings) or "scalar" (string, number or boolean)

    def schema(self) -> dict[str, Any]:
        if self.type == "array":
            return {"type": "array", "items": {"type": "string"}, "description": self.description}
        if self.type == "scalar":
            return {
                "anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
                "description": self.description,
            }
        return {"type": "string", "description": self.description}


def is_utf8(text: str) -> bool:
    """Whether the text can be encoded as UTF-8 (Python strings can hold unpaired surrogates, which cannot)."""
    return text.isascii() or _SURROGATES.search(text) is None


def replace_surrogates(text: str) -> str:
    """The text with each unpaired surrogate replaced by U+FFFD, the replacement character."""
    return _SURROGATES.sub("\ufffd", text)


def check_arguments(tool: str, params: tuple[Param, ...], arguments: Any) -> dict[str, Any]:
    """The arguments a tool runs with: each declared one present, of its type, within the limits.

    A list argument also accepts one name or a JSON-encoded list (models send both) and arrives as a list.
    """
    if not isinstance(arguments, dict):
        raise ToolFailure(f"Arguments of {tool} must be an object.")
    expected = [p.name for p in params]
    unknown = sorted(str(clean(str(k))) for k in arguments if k not in expected)
    missing = [name for name in expected if name not in arguments]
    if unknown or missing:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unknown:
            parts.append("unexpected " + ", ".join(unknown))
        signature = ", ".join(expected) or "no arguments"
        raise ToolFailure(f"Bad arguments for {tool} ({'; '.join(parts)}). It takes: {signature}.")
    return {p.name: _checked(tool, p, arguments[p.name]) for p in params}


def _checked(tool: str, param: Param, value: Any) -> Any:
    if param.type == "array":
        return _names(tool, param.name, value)
    if param.type == "scalar":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and abs(value) < MAX_INT:
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        if isinstance(value, str):
            return _text(tool, param.name, value)
        raise ToolFailure(f"Argument '{param.name}' of {tool} must be a string, a finite number or a boolean.")
    if not isinstance(value, str):
        raise ToolFailure(f"Argument '{param.name}' of {tool} must be a string.")
    return _text(tool, param.name, value)


def _text(tool: str, name: str, value: str) -> str:
    if len(value) > MAX_TEXT:
        raise ToolFailure(f"Argument '{name}' of {tool} is too long ({len(value):,} characters; at most {MAX_TEXT:,}).")
    if not is_utf8(value):
        raise ToolFailure(f"Argument '{name}' of {tool} is not valid UTF-8 text (it holds unpaired surrogates).")
    return value


def _names(tool: str, name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        _text(tool, name, value)
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            parsed = None
        value = parsed if isinstance(parsed, list) else [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ToolFailure(f"{name} must be a list of file names.")
    if len(value) > MAX_ITEMS:
        raise ToolFailure(f"{name} names {len(value):,} files; at most {MAX_ITEMS:,} per call.")
    return [_text(tool, name, v) for v in value]


def clean(value: Any, depth: int = 0) -> Any:
    """A copy of `value` the log's JSON can hold: UTF-8 text, finite numbers, bounded size and nesting.

    Values a tool accepts come back unchanged; only refused ones are shortened or rewritten.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < MAX_INT else f"<integer of {value.bit_length()} bits>"
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        text = (
            value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + f"... [{len(value) - MAX_TEXT:,} more characters]"
        )
        return text if is_utf8(text) else replace_surrogates(text)
    if depth >= MAX_DEPTH:
        return "..."
    if isinstance(value, list | tuple):
        return [clean(v, depth + 1) for v in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {str(clean(str(k))): clean(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
    return clean(repr(value))
