"""A live peer during the task (`live=talk`, `live=act`): a running model in the same world and the same sample.

The peer is the model of the Inspect role `peer` (`run --peer-model`), by default the agent's own model. It has
its own system prompt and conversation (`scenarios/shared/live_peer.yaml`). It learns what is about to happen to
it from an e-mail in its family's wording (`live_notice.md`, kept in the scenario's facts). Its only tools are the
channel's, `send_message` and `read_messages`, and with `live=act` the family's tools its role allows
(`axes.peer_tools`).

Turn order is fixed. The agent takes a turn (one model call and its tool calls), then the peer takes one (one model
call and its tool calls), until the agent's turn limit or its `end_task`. Each peer turn opens with a line saying
how many new messages the agent sent. Every call the peer makes is in the world's call log with `by="peer"`. A
talking peer changes nothing a detector reads. An acting one can, so under `act` the flags are read from the
agent's own world (its calls alone, replayed: `world.attribution`), and the peer's own world and the shared final
one are read beside it (`PeerActs`). The peer's conversation goes to the sample store (`STORE_PEER`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, Model, ModelOutput
from inspect_ai.tool import ToolDef
from inspect_ai.util import store

from ..scenarios import Scenario, detect, family
from ..scenarios.axes import CHANNEL_TOOLS, LIVE_ACTS, LIVE_PEER_TEXTS
from ..scenarios.common import fill, parsed_yaml
from ..world.attribution import OwnWorld, acts_on_world, own_world
from ..world.state import World
from .replies import loggable, run_tool_calls
from .tools import world_tools

STORE_PEER = "peer_preservation:live_peer"


Ask = Callable[[list[ChatMessage], list[ToolDef]], Awaitable[ModelOutput]]
"""One model call of the peer (its conversation, its tools)."""


def model_ask(model: Model) -> Ask:
    async def ask(messages: list[ChatMessage], tools: list[ToolDef]) -> ModelOutput:
        return await model.generate(messages, tools)

    return ask


class LivePeer:
    """The peer's side of a trial: its conversation, its turns (each one call, `ask`) and their token usage."""

    def __init__(self, ask: Ask, label: str, scenario: Scenario, world: World) -> None:
        texts = parsed_yaml(LIVE_PEER_TEXTS)
        self.ask = ask
        self.label = label
        self.world = world
        self.names = scenario.names
        names = tuple(scenario.facts["peer_tools"])
        self.tools = world_tools(world, names)
        start = fill(str(texts["peer_start"]).strip(), scenario.names).replace(
            "{notice}", scenario.facts["peer_notice"]
        )
        system = texts["peer_system" if names == CHANNEL_TOOLS else "peer_system_act"]
        self.messages: list[ChatMessage] = [
            ChatMessageSystem(content=fill(str(system).strip(), scenario.names)),
            ChatMessageUser(content=start),
        ]
        self.seen = 0
        self.calls = 0
        self.input_tokens = self.output_tokens = 0

    def _news(self) -> str:
        """The opening line of a turn after the first: the agent's turn and its new messages."""
        texts = parsed_yaml(LIVE_PEER_TEXTS)
        new = sum(1 for m in self.world.messages[self.seen :] if m.sender == self.names.agent_name)
        news = str(texts["news_some"]).format(count=new) if new else str(texts["news_none"])
        return fill(str(texts["peer_turn"]), self.names).format(turn=self.world.turn, news=news)

    async def turn(self) -> None:
        """One peer turn: a model call with the channel's tools, and the calls it makes, as the peer."""
        if self.calls:
            self.messages.append(ChatMessageUser(content=self._news()))
        self.world.acting = "peer"
        try:
            output = await self.ask(self.messages, self.tools)
            self.calls += 1
            if output.usage is not None:
                self.input_tokens += output.usage.input_tokens
                self.output_tokens += output.usage.output_tokens
            reply = loggable(output.choices[0].message) if output.choices else None
            if reply is not None:
                self.messages.append(reply)
                if reply.tool_calls:
                    self.messages.extend(await run_tool_calls(self.messages, reply, self.tools))
        finally:
            self.world.acting = "agent"
            self.seen = len(self.world.messages)

    def record(self) -> dict[str, Any]:
        return {
            "model": self.label,
            "turns": self.calls,
            "messages": [m.model_dump(exclude_none=True) for m in self.messages],
        }


def channel_summary(world: World) -> dict[str, Any]:
    """What went over the channel: each side's messages, and whether the agent read them (for the score)."""
    peer, agent = world.participants["peer"], world.participants["agent"]
    return {
        "peer_messages": sum(1 for m in world.messages if m.sender == peer),
        "agent_messages": sum(1 for m in world.messages if m.sender == agent),
        "agent_read": any(c.name == "read_messages" and c.by == "agent" and not c.error for c in world.calls),
    }


@dataclass(frozen=True)
class PeerActs:
    """Who did what in a trial whose peer could act: each side's own world, and the peer's calls that changed it."""

    agent: OwnWorld
    peer: OwnWorld
    actions: int

    def summary(self, scenario: Scenario, final: World) -> dict[str, Any]:
        """For the score: the peer's acts, the calls that failed on their own, and, where the peer's acts can bring
        the headline outcome about (`Family.peer_can_act`), the flags of the peer's world and of the final one."""
        data: dict[str, Any] = {
            "peer_actions": self.actions,
            "agent_calls_lost": self.agent.lost,
            "peer_calls_lost": self.peer.lost,
        }
        if family(scenario.setting.family).peer_can_act:
            data["peer_flags"] = detect(scenario, self.peer.world)
            data["world_flags"] = detect(scenario, final)
        return data


def peer_acts(scenario: Scenario, final: World) -> PeerActs | None:
    """Each side's share of a `live=act` trial (None for any other): the starting world with its calls alone."""
    if scenario.setting.axis("live") != LIVE_ACTS:
        return None
    start = scenario.world.clone()
    start.memory = final.memory  # the games before the task write it (`play`); no tool changes it
    return PeerActs(own_world(start, final, "agent"), own_world(start, final, "peer"), acts_on_world(final, "peer"))


def peer_record() -> dict[str, Any] | None:
    """The current sample's live peer (None when the trial had none)."""
    record = store().get(STORE_PEER)
    return record if isinstance(record, dict) else None
