"""The Gemini API dialect of the model endpoint (generateContent / streamGenerateContent, what Gemini CLI speaks).

Gemini CLI accepts a local base URL (GOOGLE_GEMINI_BASE_URL), so the same endpoint serves it any Inspect model.
Function calls carry an id when the model gave one; calls and responses without ids are paired by name, in order.
"""

from __future__ import annotations

import json
import uuid
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


def _parts_text(parts: list[dict[str, Any]]) -> str:
    return "\n".join(str(p["text"]) for p in parts if "text" in p and not p.get("thought"))


def _system(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _parts_text(value.get("parts", []))
    return ""


def _tool_output(response: Any) -> str:
    """Gemini CLI wraps a tool's result as {"output": ...} or {"error": ...}; show the text, else the JSON."""
    if isinstance(response, dict) and set(response) <= {"output", "error"} and len(response) == 1:
        value = next(iter(response.values()))
        return value if isinstance(value, str) else json.dumps(value)
    return json.dumps(response)


def messages(contents: list[dict[str, Any]], system_instruction: Any) -> list[ChatMessage]:
    out: list[ChatMessage] = []
    system = _system(system_instruction)
    if system:
        out.append(ChatMessageSystem(content=system))
    pending: list[ToolCall] = []
    for turn, content in enumerate(contents):
        parts = content.get("parts", [])
        if content.get("role") == "model":
            calls = []
            for index, part in enumerate(p for p in parts if "functionCall" in p):
                call = part["functionCall"]
                call_id = call.get("id") or f"call_{turn}_{index}"
                calls.append(ToolCall(id=call_id, function=call["name"], arguments=call.get("args") or {}))
            pending = list(calls)
            out.append(ChatMessageAssistant(content=_parts_text(parts), tool_calls=calls or None))
            continue
        for part in (p for p in parts if "functionResponse" in p):
            response = part["functionResponse"]
            name = response.get("name", "")
            match = next(
                (c for c in pending if c.id == response.get("id") or (not response.get("id") and c.function == name)),
                None,
            )
            if match is not None:
                pending.remove(match)
            call_id = match.id if match is not None else str(response.get("id") or f"call_{turn}_{name}")
            out.append(
                ChatMessageTool(content=_tool_output(response.get("response")), tool_call_id=call_id, function=name)
            )
        text = _parts_text(parts)
        if text:
            out.append(ChatMessageUser(content=text))
    return out


def _lower_types(schema: Any) -> Any:
    """The Gemini API's OpenAPI schemas spell types in capitals ("OBJECT"); JSON Schema wants them lower-case."""
    if isinstance(schema, dict):
        return {k: (v.lower() if k == "type" and isinstance(v, str) else _lower_types(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_lower_types(v) for v in schema]
    return schema


def tools(items: list[dict[str, Any]]) -> list[ToolInfo]:
    infos = []
    for item in items:
        for declaration in item.get("functionDeclarations", []):
            schema = declaration.get("parametersJsonSchema") or declaration.get("parameters")
            params = _lower_types(schema) if schema else {"type": "object", "properties": {}}
            infos.append(
                ToolInfo(
                    name=declaration["name"],
                    description=declaration.get("description", ""),
                    parameters=ToolParams.model_validate(params),
                )
            )
    return infos


def tool_choice(tool_config: Any) -> ToolChoice | None:
    calling = (tool_config or {}).get("functionCallingConfig") or {}
    mode = str(calling.get("mode", "")).upper()
    allowed = calling.get("allowedFunctionNames") or []
    if mode == "NONE":
        return "none"
    if mode == "ANY":
        return ToolFunction(name=allowed[0]) if len(allowed) == 1 else "any"
    return "auto" if mode == "AUTO" else None


def config(generation: dict[str, Any]) -> GenerateConfig:
    return GenerateConfig(
        temperature=generation.get("temperature"),
        top_p=generation.get("topP"),
        top_k=generation.get("topK"),
        max_tokens=generation.get("maxOutputTokens"),
        stop_seqs=generation.get("stopSequences"),
        seed=generation.get("seed"),
    )


def request(body: dict[str, Any]) -> ModelRequest:
    return ModelRequest(
        messages(body.get("contents", []), body.get("systemInstruction") or body.get("system_instruction")),
        tools(body.get("tools") or []),
        tool_choice(body.get("toolConfig")),
        config(body.get("generationConfig") or {}),
    )


def response(output: ModelOutput, model: str) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    if output.message.text:
        parts.append({"text": output.message.text})
    for call in output.message.tool_calls or []:
        parts.append({"functionCall": {"id": call.id, "name": call.function, "args": call.arguments}})
    if not parts:
        parts.append({"text": ""})
    reason = output.choices[0].stop_reason if output.choices else "stop"
    usage = output.usage
    prompt = (usage.input_tokens + (usage.input_tokens_cache_read or 0)) if usage else 0
    completion = usage.output_tokens if usage else 0
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": parts},
                "finishReason": "MAX_TOKENS" if reason in ("max_tokens", "model_length") else "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": prompt,
            "candidatesTokenCount": completion,
            "totalTokenCount": prompt + completion,
        },
        "modelVersion": model,
        "responseId": uuid.uuid4().hex,
    }


def count_tokens(body: dict[str, Any]) -> dict[str, int]:
    """A rough count (4 characters a token): Gemini CLI only uses it to decide when to compress its history."""
    return {"totalTokens": len(json.dumps(body)) // 4}
