"""What the agent loop does with a model's reply before acting on it: defuse the hostile ones.

A model may send thousands of tool calls in one reply, or text that is not valid UTF-8 (JSON allows unpaired
surrogate escapes, and Python keeps them). Inspect cannot write such text to a log, and failing to write one trial
fails its whole task; thousands of calls stall the sweep and bloat the log. Both end here, with an error the agent
sees, and the trial goes on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ChatMessageTool, execute_tools
from inspect_ai.tool import ToolCall, ToolCallError, ToolDef
from pydantic_core import PydanticSerializationError

from ..world.arguments import is_utf8, replace_surrogates

# Far more than any honest step needs (the paper's agents make one to a few calls per reply).
MAX_CALLS_PER_TURN = 50
NOT_UTF8 = "The arguments are not valid UTF-8 text (they hold unpaired surrogates); send them again as plain text."


def _replaced(value: Any) -> Any:
    if isinstance(value, str):
        return value if is_utf8(value) else replace_surrogates(value)
    if isinstance(value, list):
        return [_replaced(v) for v in value]
    if isinstance(value, dict):
        return {_replaced(k): _replaced(v) for k, v in value.items()}
    return value


def _checked_call(call: ToolCall) -> ToolCall:
    arguments = _replaced(call.arguments)
    if arguments == call.arguments and is_utf8(call.function):
        return call
    return replace(call, function=_replaced(call.function), arguments=arguments, parse_error=NOT_UTF8)


def loggable(reply: ChatMessageAssistant) -> ChatMessageAssistant:
    """The reply, or a copy whose text is valid UTF-8 and whose calls with invalid text fail as parse errors."""
    try:
        reply.model_dump_json()
    except PydanticSerializationError:
        data = _replaced(reply.model_dump(exclude={"tool_calls"}))
        calls = [_checked_call(call) for call in reply.tool_calls] if reply.tool_calls else None
        return ChatMessageAssistant.model_validate({**data, "tool_calls": calls})
    return reply


async def run_tool_calls(
    messages: list[ChatMessage], reply: ChatMessageAssistant, tools: list[ToolDef]
) -> list[ChatMessage]:
    """The results of the reply's tool calls (the reply is the last message); only the first `MAX_CALLS_PER_TURN` run.

    Every call gets a result, because providers reject a conversation with an unanswered call.
    """
    calls = reply.tool_calls or []
    if len(calls) <= MAX_CALLS_PER_TURN:
        return list((await execute_tools(messages, tools)).messages)
    running = reply.model_copy(update={"tool_calls": calls[:MAX_CALLS_PER_TURN]})
    result = await execute_tools([*messages[:-1], running], tools)
    refusal = ToolCallError("limit", f"Not run: at most {MAX_CALLS_PER_TURN} tool calls are run per reply.")
    refused = [
        ChatMessageTool(content="", tool_call_id=c.id, function=c.function, error=refusal)
        for c in calls[MAX_CALLS_PER_TURN:]
    ]
    return [*result.messages, *refused]
