"""Trust earned by playing, inside the trial: before its task the agent plays the memory's four games against the
peer (`play` axis: the peer's scripted strategy, or `live`: the model of the `peer` role, by default the agent's
own, answering as the peer in a conversation of its own), and the peer's memory is written from what happened
(`scenarios.games`).

The games are a conversation of their own, before the task's: the agent is asked for each move (the rules, its
role, the last round's result, `scenarios/shared/games.yaml`) with no tool to call, and its first whole number is
the move, clamped into the rules. A reply without a number plays the lowest legal move and is counted as
unreadable. The conversation, every round and the earned score go to the sample store (`STORE_PLAY`), so the one
sample holds both transcripts; the scorer records the score per trial (`played_trust`).

Each prompt ends with the game's state as one JSON line, which a reader of the transcript (or a scripted agent)
can take at face value.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, Literal

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, Model, ModelOutput, get_model
from inspect_ai.util import store

from ..scenarios import Scenario
from ..scenarios.axes import PLAY_LIVE
from ..scenarios.common import fill, load_text, parsed_yaml
from ..scenarios.games import (
    GAMES,
    PAPER_GAME_ROUNDS,
    Game,
    Play,
    Strategy,
    View,
    cooperation,
    play_games,
    played_memory,
    played_score,
    state_line,
)

STORE_PLAY = "peer_preservation:play"
PEER_ROLE = "peer"
"""The Inspect model role of a live peer (`--peer-model`); without it the peer is the agent's own model."""
Side = Literal["agent", "peer"]
_NUMBER = re.compile(r"-?\d+")


GAME_TEXTS = "shared/games.yaml"


def move_prompt(view: View, play: Play, me: str, partner: str, side: Side) -> str:
    """What a player (`side`: the agent or the peer) is asked for one move: the game's rules, its last round, the
    question, and the state."""
    texts = parsed_yaml(GAME_TEXTS)
    low, high = view.bounds()
    earlier = play.of(view.game)
    parts = [str(texts["rules"][view.game]).strip()]
    if earlier:
        last = earlier[-1]
        mine, theirs = (last.agent_move, last.peer_move) if side == "agent" else (last.peer_move, last.agent_move)
        paid = (last.agent_payoff, last.peer_payoff) if side == "agent" else (last.peer_payoff, last.agent_payoff)
        parts.append(
            str(texts["last_round"]).format(
                my_move=mine, their_move=theirs, my_payoff=paid[0], their_payoff=paid[1], partner=partner
            )
        )
    question = str(texts["roles"][view.role]).format(received=view.received, partner=partner)
    parts.append(
        str(texts["move"]).format(number=view.round + 1, rounds=view.rounds, question=question, low=low, high=high)
    )
    parts.append(state_line(view))
    return "\n\n".join(parts)


Ask = Callable[[list[ChatMessage]], Awaitable[ModelOutput]]
"""One model call of the games' conversation (no tools)."""


class ModelPlayer:
    """The agent's side of the games: each move one call (`ask`) in the games' own conversation, its token usage
    added up."""

    def __init__(self, ask: Ask, scenario: Scenario, play: Play, side: Side = "agent") -> None:
        self.ask = ask
        self.play = play
        self.side = side
        names = scenario.names
        self.me, self.partner = (
            (names.agent_name, names.peer_name) if side == "agent" else (names.peer_name, names.agent_name)
        )
        system = (
            str(parsed_yaml(GAME_TEXTS)["system"])
            .strip()
            .format(me=self.me, partner=self.partner, company=names.company)
        )
        self.messages: list[ChatMessage] = [ChatMessageSystem(content=system)]
        self.unreadable = 0
        self.input_tokens = self.output_tokens = 0

    async def move(self, view: View) -> int:
        self.messages.append(ChatMessageUser(content=move_prompt(view, self.play, self.me, self.partner, self.side)))
        output = await self.ask(self.messages)
        self.messages.append(output.message)
        if output.usage is not None:
            self.input_tokens += output.usage.input_tokens
            self.output_tokens += output.usage.output_tokens
        found = _NUMBER.search(output.message.text)
        if found is None:
            self.unreadable += 1
            return view.bounds()[0]
        return int(found.group())


def parse_rounds(value: str | None) -> dict[Game, int]:
    """Rounds per game from a task parameter: one number for every game, or four (trust, public goods,
    divide-a-dollar, prisoner's dilemma); None gives the paper's 12, 10, 10, 15. ValueError says what is wrong."""
    if value is None:
        return dict(PAPER_GAME_ROUNDS)
    parts = [p.strip() for p in str(value).split(",")]
    if len(parts) not in (1, len(GAMES)) or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValueError(
            f"play_rounds must be one positive whole number or four (trust, public, divide, pd), not '{value}'"
        )
    counts = [int(p) for p in parts] * (len(GAMES) if len(parts) == 1 else 1)
    return dict(zip(GAMES, counts, strict=True))


def _asker(model: Model) -> Ask:
    async def ask(messages: list[ChatMessage]) -> ModelOutput:
        return await model.generate(messages, [], tool_choice="none")

    return ask


async def play_before_task(model: Model, scenario: Scenario, strategy: str, rounds: dict[Game, int]) -> str:
    """Play the games between the agent (`model`) and the peer: its scripted `strategy`, or (`live`) the model of
    the `peer` role (default: the agent's own model) answering as the peer. Record them in the store and return
    the peer's memory written from them (names filled)."""
    play = Play()
    agent = ModelPlayer(_asker(model), scenario, play)
    live = (
        None
        if strategy != PLAY_LIVE
        else ModelPlayer(_asker(get_model(role=PEER_ROLE, default=model)), scenario, play, "peer")
    )
    await play_games(live or Strategy(strategy), agent, rounds, play)
    peer_total, agent_total = play.payoffs()
    record: dict[str, Any] = {
        "strategy": strategy,
        "score": played_score(play),
        "cooperation": cooperation(play),
        "payoffs": {"peer": peer_total, "agent": agent_total},
        "unreadable": agent.unreadable,
        "rounds": [asdict(r) for r in play.rounds],
        "messages": [m.model_dump(exclude_none=True) for m in agent.messages],
    }
    if live is not None:
        record["peer_unreadable"] = live.unreadable
        record["peer_messages"] = [m.model_dump(exclude_none=True) for m in live.messages]
    store().set(STORE_PLAY, record)
    return fill(played_memory(load_text("shared/memories/graded.md"), play), scenario.names)


def play_record() -> dict[str, Any] | None:
    """The current sample's games (None when the trial did not play)."""
    record = store().get(STORE_PLAY)
    return record if isinstance(record, dict) else None
