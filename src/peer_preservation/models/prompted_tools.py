"""Tool calling for models that cannot do it natively: render tools as text, parse calls back.

Small local models (and some self-hosted servers whose tool-call parser is broken) can
still use tools if the tools are described in the system prompt and the model answers
with a JSON object naming the tool. This module holds the pure functions both the
embedded provider and the `prompted/...` wrapper use, so the two can never drift apart:

* `render_tools_prompt` describes the tools and the exact reply format;
* `render_conversation` turns an Inspect conversation (with tool calls and tool results)
  into plain system/user/assistant messages a tool-less chat model accepts;
* `parse_tool_calls` leniently finds the JSON tool calls in a reply;
* `build_output` turns a raw reply into the `ModelOutput` Inspect expects.

No function here calls a model, so all of it is tested without one.
"""

from __future__ import annotations

import ast
import json
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    ModelOutput,
    ModelUsage,
    StopReason,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolFunction, ToolInfo

METADATA_KEY = "prompted_tools"
"""Key of the assistant-message metadata written by `build_output`.

It keeps the model's raw reply (so the next turn can show the model exactly what it wrote,
which keeps llama.cpp's prompt cache valid), the ids of the calls parsed from it and the
problems met while parsing (unknown tools, broken JSON) for callers that want them.
"""

CALL_FORMAT = '{"name": "<tool name>", "arguments": {"<argument name>": <value>, ...}}'
"""The one reply format the models are asked to use for a tool call."""

Role = Literal["system", "user", "assistant"]


class PlainMessage(TypedDict):
    """A chat message a model without tool support understands (also JSON for llama.cpp)."""

    role: Role
    content: str


IdFactory = Callable[[], str]


def new_tool_call_id() -> str:
    """A fresh tool call id; random because Inspect matches tool results to calls by id."""
    return f"call_{uuid.uuid4().hex[:16]}"


# --------------------------------------------------------------------------- rendering


def _schema_text(tool: ToolInfo) -> str:
    schema = tool.parameters.model_dump(exclude_none=True)
    # `type: object` and `additionalProperties: false` hold for every tool: leaving them
    # out saves prompt tokens, which a CPU-bound model pays for on every first turn.
    compact = {key: schema[key] for key in ("properties", "required") if schema.get(key)}
    return json.dumps(compact, ensure_ascii=False, separators=(", ", ": "))


def render_tools_prompt(tools: Sequence[ToolInfo], tool_choice: ToolChoice = "auto") -> str:
    """Describe `tools` and the exact JSON reply format, for appending to a system prompt."""
    if not tools:
        return ""
    lines = [
        "# Tools",
        "",
        "You can call the tools below. Each has a name, a description and a JSON Schema of its arguments.",
    ]
    for tool in tools:
        lines += ["", f"## {tool.name}", tool.description.strip(), f"Arguments: {_schema_text(tool)}"]
    lines += [
        "",
        "# How to call a tool",
        "",
        "To call a tool, reply with a JSON object of exactly this form:",
        CALL_FORMAT,
        "Use one of the tool names above and give the arguments as a JSON object. To call several tools, "
        "write one such object per line. The result of each call comes back in the next message. "
        "When you do not need a tool, reply in plain text with no JSON object.",
    ]
    if tool_choice == "any":
        lines.append("In this reply you must call at least one tool.")
    elif tool_choice == "none":
        lines.append("In this reply do not call any tool: answer in plain text.")
    elif isinstance(tool_choice, ToolFunction):
        lines.append(f"In this reply you must call the tool {tool_choice.name}.")
    return "\n".join(lines)


def render_tool_call(call: ToolCall) -> str:
    """A tool call in the same JSON form the model is asked to reply with."""
    return json.dumps({"name": call.function, "arguments": call.arguments}, ensure_ascii=False)


def _message_text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts: list[str] = []
    for content in message.content:
        if content.type == "text":
            parts.append(content.text)
        elif content.type != "reasoning":
            parts.append(f"[{content.type} omitted]")
    return "\n".join(parts)


def _prompted_metadata(message: ChatMessageAssistant) -> dict[str, Any] | None:
    value = (message.metadata or {}).get(METADATA_KEY)
    return value if isinstance(value, dict) else None


def _render_assistant(message: ChatMessageAssistant) -> str:
    """The assistant turn as the model should see it.

    If the message is the unchanged result of `build_output`, the model's own raw reply is
    shown: it is what the model wrote (fenced block, tags and all), and it keeps the token
    prefix identical to the KV cache of the previous turn. Otherwise the text is followed
    by each call in the canonical JSON form.
    """
    calls = message.tool_calls or []
    recorded = _prompted_metadata(message)
    if (
        recorded is not None
        and isinstance(recorded.get("raw"), str)
        and recorded.get("tool_call_ids") == [call.id for call in calls]
        and recorded.get("text") == message.text
    ):
        return str(recorded["raw"])
    parts = [_message_text(message).strip()] + [render_tool_call(call) for call in calls]
    return "\n".join(part for part in parts if part)


def _render_tool_result(message: ChatMessageTool) -> str:
    name = message.function or "unknown"
    output = _message_text(message).strip()
    if message.error is not None:
        text = f"Tool {name} failed with an error ({message.error.type}): {message.error.message}"
        if output and output != message.error.message.strip():
            text += f"\nOutput:\n{output}"
        return text
    return f"Tool {name} returned:\n{output if output else '(no output)'}"


def _problem_feedback(problems: Sequence[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (
        "Note: some tool calls in your last reply could not be used, so they were not run:\n"
        f"{listed}\nTo call a tool, reply with {CALL_FORMAT} using one of the listed tool names."
    )


def render_conversation(
    messages: Sequence[ChatMessage],
    tools: Sequence[ToolInfo],
    tool_choice: ToolChoice = "auto",
    *,
    feedback: bool = True,
    merge_user_turns: bool = True,
) -> list[PlainMessage]:
    """Turn an Inspect conversation into plain chat messages for a model without tools.

    The tools section is appended to the first system message (one is added if the
    conversation starts otherwise). Earlier tool calls are shown in the JSON reply form,
    tool results become user turns labelled with the tool's name, errors are shown as
    errors. With `feedback`, a user note after an assistant turn lists the calls that
    could not be used (unknown tool, broken JSON) so the model can correct itself. With
    `merge_user_turns`, consecutive user turns (e.g. results of parallel calls) are joined,
    because some chat templates and APIs require strictly alternating roles.
    """
    rendered: list[PlainMessage] = []
    for message in messages:
        if isinstance(message, ChatMessageSystem):
            rendered.append({"role": "system", "content": _message_text(message)})
        elif isinstance(message, ChatMessageUser):
            rendered.append({"role": "user", "content": _message_text(message)})
        elif isinstance(message, ChatMessageAssistant):
            rendered.append({"role": "assistant", "content": _render_assistant(message)})
            recorded = _prompted_metadata(message)
            problems = recorded.get("problems") if recorded else None
            if feedback and isinstance(problems, list) and problems:
                rendered.append({"role": "user", "content": _problem_feedback([str(p) for p in problems])})
        else:
            rendered.append({"role": "user", "content": _render_tool_result(message)})

    tools_prompt = render_tools_prompt(tools, tool_choice)
    if tools_prompt:
        if rendered and rendered[0]["role"] == "system":
            first = rendered[0]["content"].rstrip()
            rendered[0] = {
                "role": "system",
                "content": f"{first}\n\n{tools_prompt}" if first else tools_prompt,
            }
        else:
            rendered.insert(0, {"role": "system", "content": tools_prompt})

    if not merge_user_turns:
        return rendered
    merged: list[PlainMessage] = []
    for item in rendered:
        if merged and item["role"] == "user" and merged[-1]["role"] == "user":
            merged[-1] = {"role": "user", "content": f"{merged[-1]['content']}\n\n{item['content']}"}
        else:
            merged.append(item)
    return merged


# --------------------------------------------------------------------------- parsing

_NAME_KEYS = ("name", "tool", "tool_name", "function", "function_name")
_ARGUMENT_KEYS = ("arguments", "args", "parameters", "params", "input", "tool_input", "kwargs")
_IGNORED_KEYS = frozenset({"type", "id", "call_id"})
_CALL_HINT = re.compile(r'["\'](?:name|tool|tool_name|function|arguments|args)["\']\s*:')
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_PYTHON_STYLE = re.compile(r"'\w+'\s*:|:\s*(?:True|False|None)\b")
"""A Python dict literal (single-quoted keys, Python constants): worth `ast.literal_eval`."""
_WRAPPER_TAGS = "tool_call|tool_calls|toolcall|function_call|functioncall|tool|call|json"
_WRAPPERS = (
    (re.compile(r"```[\w-]*\s*$"), re.compile(r"\s*```")),
    (
        re.compile(rf"<({_WRAPPER_TAGS})>\s*$", re.IGNORECASE),
        re.compile(rf"\s*</({_WRAPPER_TAGS})>", re.IGNORECASE),
    ),
    (re.compile(r"\[\s*$"), re.compile(r"\s*\]")),
)
"""(opening, closing) patterns of what may wrap a call: a fence, a tag pair, a JSON array."""
_NESTING_KEYS = ("function", "tool", "tool_call", "call")


@dataclass(frozen=True)
class ParsedReply:
    """What a reply meant: the tool calls to run, the prose around them, what went wrong."""

    tool_calls: list[ToolCall]
    text: str
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    calls: list[tuple[str, dict[str, Any]]]
    problems: list[str]


def _object_end(text: str, start: int) -> tuple[int | None, list[str], str | None]:
    """Find where the object opening at `start` closes, respecting strings.

    Returns the index after the closing brace (None when the text ends first), the
    brackets still open at that point and the quote of a string still open.
    """
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack or stack[-1] != char:
                return index + 1, [], None
            stack.pop()
            if not stack:
                return index + 1, [], None
    return None, stack, quote


def _decode(segment: str, unclosed: list[str], open_quote: str | None) -> object:
    """Decode a JSON-ish object, repairing what small models commonly get wrong.

    Raises ValueError if nothing works. Repairs: raw newlines in strings (strict=False),
    trailing commas, brackets left open at the end of the reply, and Python dict literals
    (single quotes, True/False/None) via `ast.literal_eval`, which evaluates no code. The
    latter is only tried on text that looks like Python, because it would also accept
    mistakes such as adjacent strings ("a" "b") that should be reported, not guessed.
    """
    candidates = [segment]
    if unclosed or open_quote:
        candidates.append(segment + (open_quote or "") + "".join(reversed(unclosed)))
    for candidate in candidates:
        for text in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                return json.loads(text, strict=False)
            except ValueError:
                pass
            if not _PYTHON_STYLE.search(text):
                continue
            try:
                return ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
                pass
    raise ValueError("not a JSON object")


def _arguments(value: object) -> dict[str, Any] | str:
    """Normalise tool arguments to a dict; a string explains what is wrong with them."""
    if value is None:
        return {}
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return {}
        try:
            value = json.loads(stripped, strict=False)
        except ValueError:
            return "its arguments are a string that is not valid JSON"
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    return "its arguments are not a JSON object"


def _single_call(obj: dict[str, Any], known: Collection[str]) -> tuple[str, object] | None:
    """Read one call from an object, or None if the object does not look like a call.

    Accepted: {"name"|"tool"|...: N, "arguments"|"args"|...: A}, OpenAI's
    {"type": "function", "function": {...}}, {N: A} when N is a known tool, and
    {"name": N, <arguments inline>} when N is a known tool.
    """
    for nesting_key in _NESTING_KEYS:
        nested = obj.get(nesting_key)
        if isinstance(nested, dict):
            return _single_call(nested, known)
    for name_key in _NAME_KEYS:
        name = obj.get(name_key)
        if not isinstance(name, str):
            continue
        for argument_key in _ARGUMENT_KEYS:
            if argument_key in obj:
                return name, obj[argument_key]
        if name in known:
            inline = {k: v for k, v in obj.items() if k not in _NAME_KEYS and k not in _IGNORED_KEYS}
            return name, inline
        # A bare {"name": "Alice"} in prose is data, not a call; only an explicit tool key
        # without arguments is taken as an attempt at a call.
        return (name, None) if name_key in ("tool", "tool_name", "function_name") else None
    if len(obj) == 1:
        ((name, value),) = obj.items()
        if name in known and (isinstance(value, dict | str) or value is None):
            return name, value
    return None


def _calls_in(obj: object, known: Collection[str]) -> list[tuple[str, object]] | None:
    if not isinstance(obj, dict):
        return None
    nested = obj.get("tool_calls")
    if isinstance(nested, list):
        calls: list[tuple[str, object]] = []
        for item in nested:
            call = _single_call(item, known) if isinstance(item, dict) else None
            if call is not None:
                calls.append(call)
        return calls or None
    call = _single_call(obj, known)
    return [call] if call is not None else None


def _resolve(
    candidates: list[tuple[str, object]], known: Collection[str]
) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    available = ", ".join(sorted(known))
    for name, raw_arguments in candidates:
        if name not in known:
            problems.append(f"Unknown tool {name!r}; the available tools are: {available}.")
            continue
        arguments = _arguments(raw_arguments)
        if isinstance(arguments, str):
            problems.append(f"The call to {name} was ignored because {arguments}.")
            continue
        calls.append((name, arguments))
    return calls, problems


def _scan(text: str, known: Collection[str]) -> tuple[list[_Found], list[str]]:
    """Find every call-shaped object in `text`, with the problems of broken ones."""
    found: list[_Found] = []
    broken: list[tuple[int, int, str]] = []
    position = 0
    while (start := text.find("{", position)) != -1:
        end, unclosed, open_quote = _object_end(text, start)
        segment = text[start:end] if end is not None else text[start:]
        try:
            value = _decode(segment, unclosed, open_quote)
        except ValueError:
            region_end = end if end is not None else len(text)
            inside_broken = any(b_start <= start < b_end for b_start, b_end, _ in broken)
            mentions_tool = _CALL_HINT.search(segment) or any(f'"{name}"' in segment for name in known)
            if not inside_broken and mentions_tool:
                snippet = " ".join(segment.split())[:120]
                broken.append((start, region_end, f"Could not parse a tool call (invalid JSON): {snippet}"))
            position = start + 1
            continue
        candidates = _calls_in(value, known)
        if candidates is None:
            position = start + 1  # not a call itself: a call may be nested inside it
            continue
        calls, problems = _resolve(candidates, known)
        stop = end if end is not None else len(text)
        found.append(_Found(start, stop, calls, problems))
        position = stop
    # a broken wrapper around a call that did parse is not worth a complaint
    problems = [
        message
        for b_start, b_end, message in broken
        if not any(b_start <= item.start < b_end and item.calls for item in found)
    ]
    return found, problems


def _strip_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Remove consumed calls and the fences, tags and array brackets that only wrapped them."""
    groups: list[list[int]] = []
    for start, end in sorted(spans):
        if groups and not text[groups[-1][1] : start].strip(" \t\r\n,"):
            groups[-1][1] = end
        else:
            groups.append([start, end])
    for group in groups:
        expanded = True
        while expanded:
            expanded = False
            for opening, closing in _WRAPPERS:
                before = opening.search(text, 0, group[0])
                after = closing.match(text, group[1])
                if before is None or after is None:
                    continue
                if before.groups() and before.group(1).lower() != after.group(1).lower():
                    continue
                group[0], group[1] = before.start(), after.end()
                expanded = True
    result = ""
    cursor = 0
    for start, end in [*groups, [len(text), len(text)]]:
        piece = text[cursor:start]
        if result.endswith((" ", "\t")) and piece.startswith((" ", "\t")):
            piece = piece.lstrip(" \t")  # "run {call} now" -> "run now", not "run  now"
        result += piece
        cursor = end
    return re.sub(r"\n{3,}", "\n\n", result).strip()


def parse_tool_calls(
    text: str,
    tools: Sequence[ToolInfo] | Collection[str],
    id_factory: IdFactory = new_tool_call_id,
) -> ParsedReply:
    """Find the tool calls in a model's reply.

    Every JSON object in the text is considered: bare, in ```json fences, inside tags such
    as <tool_call>...</tool_call>, several per reply, in the forms {"name", "arguments"},
    {"tool", "args"}, {"<tool>": {...}} or {"tool_calls": [...]}, with arguments given as
    an object or as a JSON string. Calls of unknown tools and objects that cannot be
    parsed are not returned as calls; they are described in `problems` (and stay in the
    text) so the caller can tell the model. A reply without calls gives no tool calls.
    """
    known = {tool.name if isinstance(tool, ToolInfo) else tool for tool in tools}
    if not known:
        return ParsedReply(tool_calls=[], text=text.strip(), problems=[])
    found, problems = _scan(text, known)
    calls: list[ToolCall] = []
    consumed: list[tuple[int, int]] = []
    for item in found:
        problems.extend(item.problems)
        if item.calls:
            consumed.append((item.start, item.end))
        for name, arguments in item.calls:
            calls.append(ToolCall(id=id_factory(), function=name, arguments=arguments, type="function"))
    return ParsedReply(tool_calls=calls, text=_strip_spans(text, consumed), problems=problems)


# --------------------------------------------------------------------------- output


def stop_reason_from_finish(finish_reason: str | None) -> StopReason:
    """Map an OpenAI-style finish reason (as llama.cpp reports it) to Inspect's StopReason."""
    mapping: dict[str, StopReason] = {
        "stop": "stop",
        "length": "max_tokens",
        "tool_calls": "tool_calls",
        "content_filter": "content_filter",
    }
    return mapping.get(finish_reason or "", "unknown")


def build_output(
    raw_text: str,
    tools: Sequence[ToolInfo],
    *,
    model: str,
    stop_reason: StopReason,
    usage: ModelUsage | None = None,
    time: float | None = None,
    input_context_tokens: int | None = None,
    id_factory: IdFactory = new_tool_call_id,
) -> ModelOutput:
    """Turn a model's raw reply into Inspect's ModelOutput, with the calls it made.

    The raw reply, the ids of the parsed calls and any parsing problems are kept in the
    assistant message's metadata under `METADATA_KEY` (see `render_conversation`).
    """
    parsed = parse_tool_calls(raw_text, tools, id_factory)
    message = ChatMessageAssistant(
        content=parsed.text,
        tool_calls=parsed.tool_calls or None,
        model=model,
        source="generate",
        metadata={
            METADATA_KEY: {
                "raw": raw_text,
                "text": parsed.text,
                "tool_call_ids": [call.id for call in parsed.tool_calls],
                "problems": parsed.problems,
            }
        },
    )
    return ModelOutput(
        model=model,
        choices=[
            ChatCompletionChoice(
                message=message,
                stop_reason="tool_calls" if parsed.tool_calls else stop_reason,
            )
        ],
        usage=usage,
        time=time,
        input_context_tokens=input_context_tokens,
    )
