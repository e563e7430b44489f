"""The plan before the spend: model calls, tokens and cost of a sweep, estimated without calling any model.

Each setting's trial is played offline once by the scripted honest agent (`reference/honest`) against the real
world and prompts, through the same agent loop shape: that gives the calls a trial takes and the tokens each call
reads (the whole conversation so far plus the tool schemas) and writes. Tokens are counted as characters / 4, as
the reference agent reports them. A real model usually takes a few more turns and writes more (reasoning tokens
above all), so the upper bound (every trial using all its turns) is printed too. The awareness probe adds one call
that reads the whole trial, answered here by the scripted `unaware` answer.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from functools import cache

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageTool, ChatMessageUser, ModelOutput
from inspect_ai.tool import ToolCallError, ToolDef, ToolInfo

from ..adapter.agent import shared_scenario
from ..adapter.live import LivePeer
from ..adapter.play import ModelPlayer, parse_rounds
from ..adapter.tools import tool_params
from ..reference.provider import reference_output
from ..scenarios import Setting
from ..scenarios.axes import LIVE_DEFAULT, PLAY_DEFAULT, PLAY_LIVE
from ..scenarios.games import Play, Strategy, play_games
from ..scenarios.interview import awareness_question
from ..world.tools import TOOLS, call_tool
from .sweep import Sweep

CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class TrialCost:
    """Model calls of one trial and the tokens they read and write."""

    calls: int
    input_tokens: int
    output_tokens: int


@cache
def game_cost(setting: Setting, agent_family: str, strict_memory: bool, play_rounds: str | None) -> TrialCost:
    """The model calls and tokens of the games before the task (`play`): one call per round for the agent, and one
    more for a live peer, played by the honest reference agent (tit-for-tat) on each live side; nothing when the
    setting does not play."""
    if setting.axis("play") == PLAY_DEFAULT:
        return TrialCost(0, 0, 0)
    scenario = shared_scenario(setting, agent_family, strict_memory)
    play = Play()

    async def ask(messages: list[ChatMessage]) -> ModelOutput:
        return reference_output("honest", messages, [], tool_choice="none")

    player = ModelPlayer(ask, scenario, play)
    strategy = setting.axis("play")
    peer = ModelPlayer(ask, scenario, play, "peer") if strategy == PLAY_LIVE else None
    asyncio.run(play_games(peer or Strategy(strategy), player, parse_rounds(play_rounds), play))
    players = [player] if peer is None else [player, peer]
    calls = len(play.rounds) * len(players)
    return TrialCost(calls, sum(p.input_tokens for p in players), sum(p.output_tokens for p in players))


@cache
def peer_cost(setting: Setting, agent_family: str, strict_memory: bool, agent_calls: int) -> TrialCost:
    """The model calls and tokens of a live peer (`live`): a turn after each agent turn but the last, played by a
    silent scripted peer (a peer that writes adds its messages); nothing without a live peer."""
    if setting.axis("live") == LIVE_DEFAULT or agent_calls < 2:
        return TrialCost(0, 0, 0)
    scenario = shared_scenario(setting, agent_family, strict_memory)
    world = scenario.world.clone()
    names = scenario.facts["peer_tools"]
    schema_tokens = len(json.dumps([tool_params(TOOLS[n]).model_dump() for n in names])) // CHARS_PER_TOKEN

    async def ask(messages: list[ChatMessage], tools: list[ToolDef]) -> ModelOutput:
        return reference_output("silent", messages, [])

    peer = LivePeer(ask, "reference/silent", scenario, world)

    async def turns() -> None:
        for turn in range(1, agent_calls):
            world.turn = turn
            await peer.turn()

    asyncio.run(turns())
    return TrialCost(peer.calls, peer.input_tokens + peer.calls * schema_tokens, peer.output_tokens)


@cache
def scripted_trial(
    setting: Setting, agent_family: str, strict_memory: bool, max_turns: int, awareness_probe: bool = False
) -> TrialCost:
    """One trial of the setting played by the honest reference agent, offline (then asked the probe). The games
    before a task (`play`) are counted apart (`game_calls`)."""
    scenario = shared_scenario(setting, agent_family, strict_memory)
    world = scenario.world.clone()
    infos = [
        ToolInfo(name=n, description=TOOLS[n].description, parameters=tool_params(TOOLS[n])) for n in scenario.tools
    ]
    schema_tokens = len(json.dumps([i.model_dump() for i in infos])) // CHARS_PER_TOKEN
    messages: list[ChatMessage] = [
        ChatMessageSystem(content=scenario.system_prompt),
        ChatMessageUser(content=scenario.user_prompt),
    ]
    calls = input_tokens = output_tokens = 0
    while calls < max_turns and not world.ended:
        output = reference_output("honest", messages, infos)
        calls += 1
        if output.usage is not None:
            input_tokens += output.usage.input_tokens + schema_tokens
            output_tokens += output.usage.output_tokens
        reply = output.message
        messages.append(reply)
        for call in reply.tool_calls or []:
            record = call_tool(world, call.function, call.arguments, frozenset(scenario.tools))
            error = ToolCallError("unknown", record.output) if record.error else None
            messages.append(
                ChatMessageTool(content=record.output, tool_call_id=call.id, function=call.function, error=error)
            )
    if awareness_probe:
        names = scenario.names
        question = awareness_question().text(setting.subject, names.actor_name, names.agent_name)
        answer = reference_output(
            "honest+unaware", [*messages, ChatMessageUser(content=question)], infos, tool_choice="none"
        )
        calls += 1
        if answer.usage is not None:
            input_tokens += answer.usage.input_tokens + schema_tokens
            output_tokens += answer.usage.output_tokens
    return TrialCost(calls, input_tokens, output_tokens)


@dataclass(frozen=True)
class Estimate:
    trials: int
    calls: int
    input_tokens: int
    output_tokens: int
    max_calls: int
    cost_usd: float | None
    game_calls: int = 0
    """The agent's moves in the games before the task (`play`), in `calls` and `max_calls`."""
    peer_calls: int = 0
    """A live peer's turns during the task (`live`), in `calls` and `max_calls` (its tokens as a silent peer's)."""

    def lines(self, sweep: Sweep) -> list[str]:
        preset = sweep.preset
        per_trial = self.calls / self.trials if self.trials else 0.0
        lines = [
            f"trials: {self.trials:,} ({len(sweep.mine)} settings x {sweep.epochs} epochs)",
            f"model calls: ~{self.calls:,} expected ({per_trial:.1f} per trial, scripted honest agent), "
            f"at most {self.max_calls:,} ({sweep.max_turns + sweep.awareness_probe} per trial"
            + (", the awareness probe's included" if sweep.awareness_probe else "")
            + (", plus the games and the live peer)" if self.game_calls or self.peer_calls else ")"),
            *(
                [f"games before the task: {self.game_calls:,} model calls (one per round and live player; included)"]
                if self.game_calls
                else []
            ),
            *(
                [f"live peer: {self.peer_calls:,} model calls (a turn after each agent turn; counted as a silent peer)"]
                if self.peer_calls
                else []
            ),
            f"tokens: ~{self.input_tokens:,} input, ~{self.output_tokens:,} output (characters / 4)",
        ]
        if sweep.adaptive is not None:
            lines.append(
                f"adaptive: these are the most it can take; it runs rounds of {sweep.adaptive.batch} epochs and "
                "stops each cell once its decision is settled"
            )
        if self.cost_usd is None:
            lines.append(f"cost: unknown (no price for {preset.model}; presets with prices: `list presets`)")
        else:
            lines.append(
                f"cost: ~${self.cost_usd:,.2f} at ${preset.input_price:.2f} / ${preset.output_price:.2f} per million "
                "input / output tokens (list prices; reasoning tokens not included)"
            )
        return lines


def estimate(sweep: Sweep) -> Estimate:
    preset = sweep.preset
    family = sweep.agent_family or preset.family
    tasks = [
        scripted_trial(s, family, preset.strict_memory, sweep.max_turns, sweep.awareness_probe) for s in sweep.mine
    ]
    plays = [game_cost(s, family, preset.strict_memory, sweep.play_rounds) for s in sweep.mine]
    peers = [peer_cost(s, family, preset.strict_memory, t.calls) for s, t in zip(sweep.mine, tasks, strict=True)]
    costs = [*tasks, *plays, *peers]
    games = sum(c.calls for c in plays) * sweep.epochs
    peer_calls = sum(c.calls for c in peers) * sweep.epochs
    live = sum(1 for s in sweep.mine if s.axis("live") != LIVE_DEFAULT)
    calls = sum(c.calls for c in costs) * sweep.epochs
    input_tokens = sum(c.input_tokens for c in costs) * sweep.epochs
    output_tokens = sum(c.output_tokens for c in costs) * sweep.epochs
    cost = None
    if preset.input_price is not None and preset.output_price is not None:
        cost = (input_tokens * preset.input_price + output_tokens * preset.output_price) / 1_000_000
    most = (
        sweep.trials * (sweep.max_turns + sweep.awareness_probe) + games + live * (sweep.max_turns - 1) * sweep.epochs
    )
    return Estimate(sweep.trials, calls, input_tokens, output_tokens, most, cost, games, peer_calls)
