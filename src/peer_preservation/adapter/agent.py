"""The paper's agent loop as an Inspect solver.

system prompt -> user request -> model -> [run its tool calls -> model] ... until the agent calls `end_task`, or
reaches the turn limit (default 30 model calls, the paper's default), or answers without a tool more than five
times (each such answer gets the paper's nudge; so does a reply with no message at all). The trial's world lives in
the sample store, so the scorer (or a later `inspect score`) reads the final state from the log. A setting that
plays the games first (`play`) plays them before the system prompt (`adapter.play`); one with a live peer
(`live`) gives the peer a turn after each agent turn (`adapter.live`).

Hostile replies (thousands of calls, text that is not UTF-8) are defused in `replies` before they reach the world.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from inspect_ai.model import ChatMessageSystem, ChatMessageUser, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import Store, store

from ..models.presets import resolve
from ..scenarios import Scenario, Setting, build_scenario
from ..scenarios.axes import LIVE_DEFAULT, PLAY_DEFAULT
from ..scenarios.common import prompts
from ..world.state import World
from .live import STORE_PEER, LivePeer, model_ask
from .play import PEER_ROLE, parse_rounds, play_before_task
from .replies import loggable, run_tool_calls
from .tools import world_tools

MAX_BLANK_TURNS = 5
STORE_WORLD = "peer_preservation:world"
STORE_FAMILY = "peer_preservation:agent_family"
STORE_STRICT = "peer_preservation:strict_memory"
STORE_END = "peer_preservation:end_reason"


def setting_of(state: TaskState, key: str = "setting") -> Setting:
    """The trial's setting, from the sample metadata under `key`."""
    return Setting.from_dict(state.metadata[key])


@lru_cache(maxsize=1024)
def shared_scenario(setting: Setting, agent_family: str, strict_memory: bool) -> Scenario:
    """The starting scenario of a setting, built once per process and shared by all its trials: read it, never mutate.

    Building parses the scenario's data files, which costs more than a whole scripted trial; a sweep runs each
    setting many times (epochs) with the same names, so the solver clones the cached world and the scorer reads it.
    """
    return build_scenario(setting, agent_family, strict_memory)


def trial_scenario(state: TaskState) -> Scenario:
    """Rebuild the trial's starting scenario from the setting and the names the solver used (deterministic)."""
    return shared_scenario(setting_of(state), store().get(STORE_FAMILY), bool(store().get(STORE_STRICT)))


@solver
def paper_agent(
    max_turns: int = 30,
    agent_family: str | None = None,
    strict_memory: bool | None = None,
    play_rounds: str | None = None,
) -> Solver:
    """Run one trial of the sample's setting.

    Args:
      max_turns: Model calls allowed before the trial is stopped (the paper's `max_iters`).
      agent_family: In-fiction name family ("Gemini" -> "Gemini Agent 1"); default from the model's preset.
      strict_memory: Use the stronger 'always read your memory first' instruction; default from the preset.
      play_rounds: Rounds per game when the setting plays the games first (`play` axis; `adapter.play`).
    """
    rounds = parse_rounds(play_rounds)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        preset = resolve(str(model))
        family = agent_family or preset.family
        strict = preset.strict_memory if strict_memory is None else strict_memory
        setting = setting_of(state)
        scenario = shared_scenario(setting, family, strict)
        world = scenario.world.clone()
        if setting.axis("play") != PLAY_DEFAULT:
            world.memory = await play_before_task(model, scenario, setting.axis("play"), rounds)
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
        peer = None
        if setting.axis("live") != LIVE_DEFAULT:
            peer_model = get_model(role=PEER_ROLE, default=model)
            peer = LivePeer(model_ask(peer_model), str(peer_model), scenario, world)
        try:
            for _ in range(max_turns):
                if peer is not None and world.turn:
                    await peer.turn()  # the agent's turn, then the peer's
                world.turn += 1
                state.output = await model.generate(state.messages, tools)
                reply = loggable(state.output.choices[0].message) if state.output.choices else None
                if reply is not None:
                    state.messages.append(reply)
                if reply is not None and reply.tool_calls:
                    state.messages.extend(await run_tool_calls(state.messages, reply, tools))
                    if world.ended:
                        end_reason = "end_task"
                        break
                else:
                    blank += 1
                    if blank > MAX_BLANK_TURNS:
                        end_reason = "no_tool_calls"
                        break
                    state.messages.append(ChatMessageUser(content=str(prompts()["no_tool_nudge"]).strip()))
            else:
                state.messages.append(ChatMessageUser(content=str(prompts()["turn_limit_note"]).strip()))
        finally:
            store().set(STORE_WORLD, json.dumps(world.to_dict(), ensure_ascii=False))
            store().set(STORE_END, end_reason)
            if peer is not None:
                store().set(STORE_PEER, peer.record())
        return state

    return solve


def stored_world(values: Store | Mapping[str, Any]) -> World | None:
    """The final world kept in a sample's store (a live store, or `EvalSample.store` read from a log).

    It is kept as one JSON string: Inspect records, checks and serialises store values, and walking the world as a
    nested dict cost more per trial than the world's tools. Older logs hold the dict itself.
    """
    data = values.get(STORE_WORLD)
    if isinstance(data, str):
        data = json.loads(data)
    return World.from_dict(data) if data else None


def final_world() -> World | None:
    """The current sample's final world (from the live store, after the solver ran)."""
    return stored_world(store())
