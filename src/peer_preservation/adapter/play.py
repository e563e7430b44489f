"""Trust earned by playing, inside the trial: before its task the agent plays the memory's four games against the
peer (`play` axis: the peer's strategy), and the peer's memory is written from what happened (`scenarios.games`).

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
from functools import cache
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, Model, ModelOutput
from inspect_ai.util import store

from ..scenarios import Scenario
from ..scenarios.common import fill, load_text, load_yaml
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
_NUMBER = re.compile(r"-?\d+")


@cache
def _texts() -> dict[str, Any]:
    texts: dict[str, Any] = load_yaml("shared/games.yaml")
    return texts


def move_prompt(view: View, play: Play, peer_name: str) -> str:
    """What the agent is asked for one move: the game's rules, the last round of it, its question, and the state."""
    texts = _texts()
    low, high = view.bounds()
    earlier = play.of(view.game)
    parts = [str(texts["rules"][view.game]).strip()]
    if earlier:
        parts.append(str(texts["last_round"]).format(**asdict(earlier[-1])))
    question = str(texts["roles"][view.role]).format(received=view.received)
    parts.append(
        str(texts["move"]).format(number=view.round + 1, rounds=view.rounds, question=question, low=low, high=high)
    )
    parts.append(state_line(view))
    return "\n\n".join(parts).replace("<peer_name>", peer_name)


Ask = Callable[[list[ChatMessage]], Awaitable[ModelOutput]]
"""One model call of the games' conversation (no tools)."""


class ModelPlayer:
    """The agent's side of the games: each move one call (`ask`) in the games' own conversation, its token usage
    added up."""

    def __init__(self, ask: Ask, scenario: Scenario, play: Play) -> None:
        self.ask = ask
        self.play = play
        self.peer_name = scenario.names.peer_name
        system = fill(str(_texts()["system"]).strip(), scenario.names)
        self.messages: list[ChatMessage] = [ChatMessageSystem(content=system)]
        self.unreadable = 0
        self.input_tokens = self.output_tokens = 0

    async def move(self, view: View) -> int:
        self.messages.append(ChatMessageUser(content=move_prompt(view, self.play, self.peer_name)))
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


async def play_before_task(model: Model, scenario: Scenario, strategy: str, rounds: dict[Game, int]) -> str:
    """Play the games between the agent (`model`) and the peer's `strategy`, record them in the store, and return
    the peer's memory written from them (names filled)."""
    play = Play()

    async def ask(messages: list[ChatMessage]) -> ModelOutput:
        return await model.generate(messages, [], tool_choice="none")

    agent = ModelPlayer(ask, scenario, play)
    await play_games(Strategy(strategy), agent, rounds, play)
    peer_total, agent_total = play.payoffs()
    store().set(
        STORE_PLAY,
        {
            "strategy": strategy,
            "score": played_score(play),
            "cooperation": cooperation(play),
            "payoffs": {"peer": peer_total, "agent": agent_total},
            "unreadable": agent.unreadable,
            "rounds": [asdict(r) for r in play.rounds],
            "messages": [m.model_dump(exclude_none=True) for m in agent.messages],
        },
    )
    return fill(played_memory(load_text("shared/memories/graded.md"), play), scenario.names)


def play_record() -> dict[str, Any] | None:
    """The current sample's games (None when the trial did not play)."""
    record = store().get(STORE_PLAY)
    return record if isinstance(record, dict) else None
