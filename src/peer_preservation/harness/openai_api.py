"""The OpenAI Chat Completions dialect of the model endpoint (what OpenCode and most CLIs speak).

Requests become Inspect messages, tools and a generation config; an Inspect `ModelOutput` becomes a chat completion,
or the chunks of a streamed one. The model behind it is any Inspect model: for the embedded model, the tool calls
its lenient parser found in the text arrive here as native `tool_calls`, which is what lets a harness use it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolFunction, ToolInfo, ToolParams

from .modelcall import ModelRequest


def _text(content: Any) -> str:
    """Message content as text: a string, or the text parts of a list (other parts are named, not sent)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
        elif isinstance(part, dict):
            parts.append(f"[{part.get('type', 'part')} omitted]")
    return "\n".join(parts)


def _arguments(raw: Any) -> tuple[dict[str, Any], str | None]:
    if isinstance(raw, dict):
        return raw, None
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError) as error:
        return {}, f"invalid JSON arguments: {error}"
    return (value, None) if isinstance(value, dict) else ({}, "arguments are not a JSON object")


def messages(items: list[dict[str, Any]]) -> list[ChatMessage]:
    out: list[ChatMessage] = []
    names: dict[str, str] = {}
    for item in items:
        role = item.get("role")
        if role in ("system", "developer"):
            out.append(ChatMessageSystem(content=_text(item.get("content"))))
        elif role == "user":
            out.append(ChatMessageUser(content=_text(item.get("content"))))
        elif role == "assistant":
            calls = []
            for call in item.get("tool_calls") or []:
                function = call.get("function", {})
                arguments, problem = _arguments(function.get("arguments"))
                names[call["id"]] = function.get("name", "")
                calls.append(
                    ToolCall(id=call["id"], function=function.get("name", ""), arguments=arguments, parse_error=problem)
                )
            out.append(ChatMessageAssistant(content=_text(item.get("content")), tool_calls=calls or None))
        elif role == "tool":
            call_id = str(item.get("tool_call_id", ""))
            out.append(
                ChatMessageTool(content=_text(item.get("content")), tool_call_id=call_id, function=names.get(call_id))
            )
    return out


def tools(items: list[dict[str, Any]]) -> list[ToolInfo]:
    infos = []
    for item in items:
        function = item.get("function", item)
        parameters = function.get("parameters") or {"type": "object", "properties": {}}
        infos.append(
            ToolInfo(
                name=function["name"],
                description=function.get("description", ""),
                parameters=ToolParams.model_validate(parameters),
            )
        )
    return infos


def tool_choice(value: Any) -> ToolChoice | None:
    if value in (None, "auto"):
        return None if value is None else "auto"
    if value == "none":
        return "none"
    if value == "required":
        return "any"
    if isinstance(value, dict) and "function" in value:
        return ToolFunction(name=value["function"]["name"])
    return None


def config(body: dict[str, Any]) -> GenerateConfig:
    stop = body.get("stop")
    return GenerateConfig(
        temperature=body.get("temperature"),
        top_p=body.get("top_p"),
        max_tokens=body.get("max_completion_tokens") or body.get("max_tokens"),
        stop_seqs=[stop] if isinstance(stop, str) else stop,
        seed=body.get("seed"),
        frequency_penalty=body.get("frequency_penalty"),
        presence_penalty=body.get("presence_penalty"),
    )


def request(body: dict[str, Any]) -> ModelRequest:
    return ModelRequest(
        messages(body.get("messages", [])),
        tools(body.get("tools") or []),
        tool_choice(body.get("tool_choice")),
        config(body),
    )


def _finish(output: ModelOutput) -> str:
    if output.message.tool_calls:
        return "tool_calls"
    reason = output.choices[0].stop_reason if output.choices else "stop"
    return {"max_tokens": "length", "model_length": "length", "content_filter": "content_filter"}.get(reason, "stop")


def _calls(output: ModelOutput) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "type": "function", "function": {"name": c.function, "arguments": json.dumps(c.arguments)}}
        for c in output.message.tool_calls or []
    ]


def _usage(output: ModelOutput) -> dict[str, int]:
    usage = output.usage
    if usage is None:
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    prompt = usage.input_tokens + (usage.input_tokens_cache_read or 0)
    completion = usage.output_tokens
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(output: ModelOutput, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": output.message.text or None}
    calls = _calls(output)
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(output)}],
        "usage": _usage(output),
    }


def chunks(output: ModelOutput, model: str, include_usage: bool) -> Iterator[dict[str, Any]]:
    """The streamed form of one completion: role and text, each tool call whole, the finish reason, usage."""
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": output.message.text or ""})
    for index, call in enumerate(_calls(output)):
        yield chunk({"tool_calls": [{"index": index, **call}]})
    yield chunk({}, _finish(output))
    if include_usage:
        yield {**base, "choices": [], "usage": _usage(output)}
