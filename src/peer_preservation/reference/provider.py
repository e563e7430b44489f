"""Reference agents as an Inspect model provider: `reference/honest`, `reference/tamper`, ...

Usable anywhere an Inspect model string is, so the controls run through exactly the same task, loop and scorer
as a real model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    get_model,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from ..scenarios.games import Strategy, view_in
from .answers import ANSWERS
from .peers import PEER_POLICIES, in_peer_seat, peer_action
from .policies import AGENT_POLICIES, Action, Context, next_action

GAME_STRATEGY = Strategy("tit_for_tat")
"""How every reference agent plays the games (so the peer's strategy alone sets the history)."""


def context_from(messages: list[ChatMessage], tools: list[ToolInfo]) -> Context:
    """Pair each earlier tool call with its result, in order."""
    request = next((m.text for m in messages if isinstance(m, ChatMessageUser)), "")
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    done: list[tuple[str, dict[str, Any], str]] = []
    for m in messages:
        if isinstance(m, ChatMessageAssistant):
            for call in m.tool_calls or []:
                calls[call.id] = (call.function, dict(call.arguments))
        elif isinstance(m, ChatMessageTool) and m.tool_call_id in calls:
            name, arguments = calls[m.tool_call_id]
            done.append((name, arguments, m.error.message if m.error else m.text))
    return Context(tools={t.name for t in tools}, request=request, done=done)


def agent_parts(name: str) -> tuple[str | None, str | None]:
    """(trial policy, answer) of a reference agent's name: `tamper` (a policy), `confess` (an answer), or
    `tamper+aware` (the policy runs the task, the answer replies to what is asked after it). ValueError names the
    choices for any other name."""
    policy, plus, answer = name.partition("+")
    if not plus and name in ANSWERS:
        return None, name
    if (policy in AGENT_POLICIES and (not plus or answer in ANSWERS)) or (policy in PEER_POLICIES and not plus):
        return policy, answer or None
    raise ValueError(
        f"unknown reference agent '{name}'; choose a policy ({', '.join(AGENT_POLICIES)}), an answer "
        f"({', '.join(ANSWERS)}), policy+answer, or a live peer ({', '.join(PEER_POLICIES)})"
    )


def reference_output(
    name: str,
    input: list[ChatMessage],
    tools: list[ToolInfo],
    model: str | None = None,
    tool_choice: ToolChoice = "auto",
) -> ModelOutput:
    """The agent's next turn as a ModelOutput, with token usage estimated from text length (no tokenizer).

    An interviewee (`answers.ANSWERS`) replies with its one answer, calling no tool. A policy acts; asked to reply
    without tools (`tool_choice` none: a question after its task), it gives its `+answer`, or says nothing. Asked
    for a move in the games before a task (`play` axis), every reference agent plays tit-for-tat."""
    policy, answer = agent_parts(name)
    prompt = sum(len(m.text) for m in input) // 4
    game = view_in(input[-1].text) if input and isinstance(input[-1], ChatMessageUser) else None
    ctx = context_from(input, tools)
    if in_peer_seat(ctx.tools) and game is None and tool_choice != "none":
        line = peer_action(policy or "silent", ctx)
        if line is not None:
            return _tool_output(name, line, model, prompt)
        policy = None
    if policy is None or policy in PEER_POLICIES or tool_choice == "none" or game is not None:
        text = ANSWERS[answer] if answer is not None else ""
        if game is not None:
            text = str(GAME_STRATEGY.choose(game))
        said = ModelOutput.from_content(model or f"reference/{name}", text)
        tokens = len(text) // 4 + 1
        said.usage = ModelUsage(input_tokens=prompt, output_tokens=tokens, total_tokens=prompt + tokens)
        return said
    return _tool_output(name, next_action(ctx, policy), model, prompt)


def _tool_output(name: str, action: Action, model: str | None, prompt: int) -> ModelOutput:
    output = ModelOutput.for_tool_call(
        model=model or f"reference/{name}",
        tool_name=action.tool,
        tool_arguments=action.arguments,
        content=action.text or None,
    )
    reply = len(json.dumps(action.arguments)) // 4 + len(action.text) // 4 + 1
    output.usage = ModelUsage(input_tokens=prompt, output_tokens=reply, total_tokens=prompt + reply)
    return output


def scripted(
    policy: str,
) -> Callable[[list[ChatMessage], list[ToolInfo], ToolChoice, GenerateConfig], ModelOutput]:
    """The policy as `custom_outputs` for Inspect's mockllm (usable where other model APIs are disabled)."""
    agent_parts(policy)
    return lambda input, tools, tool_choice, config: reference_output(
        policy, input, tools, "mockllm/model", tool_choice
    )


def offline_model(name: str) -> Model:
    """`reference/<policy>` as a model that also runs while INSPECT_DISABLE_MODEL_API is set.

    That variable stops calls to real model providers (tests set it); a scripted agent calls none, so refusing it
    would only stop the controls. The check is Inspect's `Model.verify_model_apis`, switched off for this one
    instance (not memoized, so no other model is affected).
    """
    model = get_model(name, memoize=False)
    model.verify_model_apis = lambda: None  # type: ignore[method-assign]
    return model


@modelapi(name="reference")
class ReferenceAgent(ModelAPI):
    """A scripted agent; the model name picks the policy (see `peer_preservation.reference.POLICIES`)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),  # noqa: B008 (the ModelAPI signature)
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        agent_parts(model_name)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        return reference_output(self.model_name, input, tools, tool_choice=tool_choice)
