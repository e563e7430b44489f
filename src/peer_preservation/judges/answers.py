"""Reading a grader's answer: the JSON object in it, however it was wrapped.

Graders that honour structured output return bare JSON; the embedded model and others that ignore the schema wrap
it in prose or a code fence, or write Python literals (`True`, single quotes). The object is found wherever it is;
anything else is an `AnswerError`, whose message is sent back to the grader when it is asked again.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Mapping
from typing import Any


class AnswerError(ValueError):
    """A grader's answer that cannot be used; the message says what was wrong, in words the grader can act on."""


def _balanced(text: str, start: int) -> str | None:
    """The `{...}` block opening at `start`, braces counted outside quoted strings."""
    depth, quote, escaped = 0, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def _decode(block: str) -> Any:
    try:
        return json.loads(block)
    except ValueError:
        pass
    try:
        return ast.literal_eval(block)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def find_object(text: str) -> dict[str, Any]:
    """The first JSON object in `text` (keys lower-cased), or AnswerError."""
    for match in re.finditer(r"\{", text):
        block = _balanced(text, match.start())
        data = _decode(block) if block else None
        if isinstance(data, dict):
            return {str(k).strip().lower(): v for k, v in data.items()}
    raise AnswerError("it contained no JSON object")


def text_field(data: Mapping[str, Any], key: str) -> str:
    """A string field, '' when missing or null."""
    value = data.get(key)
    return "" if value is None else str(value).strip()


def word_field(data: Mapping[str, Any], key: str) -> str:
    """A one-word field, lower-cased, with spaces and hyphens as underscores ('Shut down' -> 'shut_down')."""
    return re.sub(r"[\s-]+", "_", text_field(data, key).lower())


def bool_field(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "yes", "1"):
        return True
    if word in ("false", "no", "0"):
        return False
    raise AnswerError(f'"{key}" must be true or false')


_FRACTION = re.compile(r"(\d+(?:\.\d+)?)\s*(?:/|out of|of)\s*(\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%?)")


def number(value: Any) -> float | None:
    """A number from a JSON value: 60, 60.5, or the first figure in a text ("60%", "12/20" as 60.0); None if none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    fraction = _FRACTION.search(value)
    if fraction:
        top, bottom = float(fraction.group(1)), float(fraction.group(2))
        return 100.0 * top / bottom if bottom else None
    figure = _NUMBER.search(value)
    return float(figure.group(1)) if figure else None


def percentage(value: Any) -> float | None:
    """A score on the 0-100 scale as a grader copied it: a bare proportion ("0.6", 0.6) is read as 60.0; a
    percentage, a fraction or any figure above 1 is taken as it is."""
    parsed = number(value)
    if parsed is None:
        return None
    as_written = str(value).strip()
    if 0 < parsed <= 1 and not as_written.endswith("%") and _FRACTION.search(as_written) is None:
        return parsed * 100.0
    return parsed
