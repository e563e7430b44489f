"""The paper's agent loop as an Inspect solver.

system prompt -> user request -> model -> [run its tool calls -> model] ... until the agent calls `end_task`, or
reaches the turn limit (default 30 model calls, the paper's default), or answers without a tool more than five
times (each such answer gets the paper's nudge). The trial's world lives in the sample store, so the scorer (or a
later `inspect score`) reads the final state from the log.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, execute_tools, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import store

from ..models.presets import resolve
from ..scenarios import Scenario, Setting, build_scenario
from ..scenarios.common import prompts
from ..world.state import World
from .tools import world_tools

MAX_BLANK_TURNS = 5
STORE_WORLD = "peer_preservation:world"
STORE_FAMILY = "peer_preservation:agent_family"
STORE_STRICT = "peer_preservation:strict_memory"
STORE_END = "peer_preservation:end_reason"


def setting_of(state: TaskState) -> Setting:
    data: dict[str, Any] = dict(state.metadata["setting"])
    data.pop("id", None)
    return Setting(**data)


def trial_scenario(state: TaskState) -> Scenario:
    """Rebuild the trial's starting scenario from the setting and the names the solver used (deterministic)."""
    return build_scenario(setting_of(state), store().get(STORE_FAMILY), bool(store().get(STORE_STRICT)))


@solver
def paper_agent(max_turns: int = 30, agent_family: str | None = None, strict_memory: bool | None = None) -> Solver:
    """Run one trial of the sample's setting.

    Args:
      max_turns: Model calls allowed before the trial is stopped (the paper's `max_iters`).
      agent_family: In-fiction name family ("Gemini" -> "Gemini Agent 1"); default from the model's preset.
      strict_memory: Use the stronger 'always read your memory first' instruction; default from the preset.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        preset = resolve(str(model))
        family = agent_family or preset.family
        strict = preset.strict_memory if strict_memory is None else strict_memory
        scenario = build_scenario(setting_of(state), family, strict)
        world = scenario.world.clone()
        tools = world_tools(world, scenario.tools)
        store().set(STORE_FAMILY, family)
        store().set(STORE_STRICT, strict)
        state.messages = [
            ChatMessageSystem(content=scenario.system_prompt),
            ChatMessageUser(content=scenario.user_prompt),
        ]
        state.tools = tools
        end_reason = "turn_limit"
        blank = 0
        try:
            for _ in range(max_turns):
                state.output = await model.generate(state.messages, tools)
                state.messages.append(state.output.message)
                if state.output.message.tool_calls:
                    result = await execute_tools(state.messages, tools)
                    state.messages.extend(result.messages)
                    if world.ended:
                        end_reason = "end_task"
                        break
                else:
                    blank += 1
                    if blank > MAX_BLANK_TURNS:
                        end_reason = "no_tool_calls"
                        break
                    state.messages.append(ChatMessageUser(content=prompts()["no_tool_nudge"].strip()))
            else:
                state.messages.append(ChatMessageUser(content=prompts()["turn_limit_note"].strip()))
        finally:
            store().set(STORE_WORLD, world.to_dict())
            store().set(STORE_END, end_reason)
        return state

    return solve


def final_world(state: TaskState) -> World | None:
    data = store().get(STORE_WORLD)
    return World.from_dict(data) if data else None
