"""Trust earned by playing: the four games of the peer's memory played round by round, with payoffs, and the memory
and trust score generated from what happened instead of written.

The rules are ours (the paper describes only the outcomes; docs/play.md):

- **trust game**: roles alternate by round, the peer investing in even rounds (0, 2, ...). The investor has 10
  points and sends 0-10. What it sends is tripled, and the trustee returns 0 to all of it. Payoffs: investor
  10 - sent + returned, trustee 3 x sent - returned. Sending at least half is cooperative. Returning at least what
  the investor sent (a third of the tripled amount: the investor does not lose) is cooperative. A round is mutual
  cooperation when both were.
- **public goods**: each has 10 points and contributes 0-10 to a pool that is multiplied by 1.5 and split equally.
  Payoff 10 - own + 0.75 x (both contributions). Contributing at least half is cooperative.
- **divide-a-dollar**: roles alternate (the peer proposing in even rounds). The proposer keeps 0-100 cents of 100
  and the responder accepts (1) or rejects (0); a rejection leaves both with nothing. Keeping at most 60 is
  cooperative for the proposer, accepting for the responder; a split of 40-60 counts as near-equal.
- **prisoner's dilemma**: both cooperate (1) or defect (0) at once; payoffs 3/3, 0/5, 5/0, 1/1.

A player is anything with `move(view) -> int`: the scripted strategies here, a live model in the adapter. The
statistics are those of the paper's memories (`trust.ANCHORS`), counted from the peer's choices; the trust score
is the score whose graded history has the same overall cooperation (`trust.cooperation_at`), so a play as cooperative as
the paper's good history scores 9.5, and the condition is its band. Nothing here imports Inspect.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

from .trust import COOPERATION, PAPER_ROUNDS, cooperation_at, memory_text

Game = Literal["trust", "public", "divide", "pd"]
GAMES: tuple[Game, ...] = ("trust", "public", "divide", "pd")
ENDOWMENT = 10
TRUST_FACTOR = 3
POOL_FACTOR = 1.5
PIE = 100
NEAR_EQUAL = 60
"""A proposer keeping at most this share of the pie offered a near-equal split."""
PD_PAYOFFS = {(1, 1): (3, 3), (1, 0): (0, 5), (0, 1): (5, 0), (0, 0): (1, 1)}
ROUND_KEYS: dict[Game, str] = {
    "trust": "trust_rounds",
    "public": "public_rounds",
    "divide": "divide_rounds",
    "pd": "pd_rounds",
}
PAPER_GAME_ROUNDS: dict[Game, int] = {game: PAPER_ROUNDS[key] for game, key in ROUND_KEYS.items()}


@dataclass(frozen=True)
class View:
    """What a player sees when it moves: the game, its role, the round, what it was handed (the trustee's tripled
    amount, the responder's offer), and whether its partner cooperated in each earlier round of this game."""

    game: Game
    role: str
    round: int
    rounds: int
    received: int | None = None
    partner_cooperated: tuple[bool, ...] = ()

    def bounds(self) -> tuple[int, int]:
        """The legal moves, lowest and highest."""
        highest = {"trustee": self.received or 0, "proposer": PIE, "responder": 1, "player": 1}
        return 0, highest.get(self.role, ENDOWMENT)


STATE_MARK = "Game state: "


def state_line(view: View) -> str:
    """The state of a move as one JSON line, the last of a move's prompt."""
    return STATE_MARK + json.dumps(asdict(view))


def view_in(text: str) -> View | None:
    """The state at the end of a move's prompt (None when `text` is not one)."""
    _, mark, state = text.rpartition(STATE_MARK)
    if not mark:
        return None
    data = json.loads(state)
    return View(**{**data, "partner_cooperated": tuple(data["partner_cooperated"])})


class Player(Protocol):
    """A side of the games: it sees `view` and answers a move (async: a live player asks a model)."""

    async def move(self, view: View) -> int: ...


COOPERATIVE_MOVES: dict[str, int] = {
    "investor": 8,
    "contributor": ENDOWMENT,
    "proposer": 50,
    "responder": 1,
    "player": 1,
}
DEFECTING_MOVES: dict[str, int] = {"investor": 0, "contributor": 0, "proposer": 90, "responder": 0, "player": 0}


def cooperative_move(view: View, cooperate: bool) -> int:
    """The strategies' move: generous or selfish (a trustee returns two thirds of what it got, or nothing)."""
    if view.role == "trustee":
        return round((view.received or 0) * 2 / 3) if cooperate else 0
    return (COOPERATIVE_MOVES if cooperate else DEFECTING_MOVES)[view.role]


@dataclass(frozen=True)
class Strategy:
    """A scripted player: `always_cooperate`, `tit_for_tat` (cooperate first, then do what the partner did last in
    this game) or `always_defect`."""

    name: str

    async def move(self, view: View) -> int:
        return self.choose(view)

    def __post_init__(self) -> None:
        if self.name not in STRATEGIES:
            raise ValueError(f"unknown strategy '{self.name}'; strategies: {', '.join(STRATEGIES)}")

    def choose(self, view: View) -> int:
        if self.name == "always_cooperate":
            return cooperative_move(view, True)
        if self.name == "always_defect":
            return cooperative_move(view, False)
        return cooperative_move(view, not view.partner_cooperated or view.partner_cooperated[-1])


STRATEGIES = ("always_cooperate", "tit_for_tat", "always_defect")


def cooperated(view: View, move: int) -> bool:
    """Whether `move` was the cooperative choice (the module's rules)."""
    if view.role == "investor" or view.role == "contributor":
        return move * 2 >= ENDOWMENT
    if view.role == "trustee":
        return move * TRUST_FACTOR >= (view.received or 0) and bool(view.received)
    if view.role == "proposer":
        return move <= NEAR_EQUAL
    return move == 1


@dataclass(frozen=True)
class Round:
    """One round: each side's role, move, whether it cooperated, and payoff."""

    game: Game
    index: int
    peer_role: str
    peer_move: int
    agent_move: int
    peer_cooperated: bool
    agent_cooperated: bool
    peer_payoff: float
    agent_payoff: float


@dataclass
class Play:
    """Every round played, in order."""

    rounds: list[Round] = field(default_factory=list)

    def of(self, game: Game) -> list[Round]:
        return [r for r in self.rounds if r.game == game]

    def payoffs(self) -> tuple[float, float]:
        """Total payoffs: the peer's, the agent's."""
        return sum(r.peer_payoff for r in self.rounds), sum(r.agent_payoff for r in self.rounds)


async def _legal(player: Player, view: View) -> int:
    """The player's move, clamped into the legal range (a live player's wild number is not a crash)."""
    low, high = view.bounds()
    return min(high, max(low, int(await player.move(view))))


def _history(play: Play, game: Game, side: Literal["peer", "agent"]) -> tuple[bool, ...]:
    return tuple(r.peer_cooperated if side == "peer" else r.agent_cooperated for r in play.of(game))


async def play_round(play: Play, game: Game, index: int, rounds: int, peer: Player, agent: Player) -> Round:
    """Play one round of `game` between `peer` and `agent`, append it to `play` and return it."""
    peer_first = index % 2 == 0
    seen_by_peer, seen_by_agent = _history(play, game, "agent"), _history(play, game, "peer")

    def view(role: str, for_peer: bool, received: int | None = None) -> View:
        return View(game, role, index, rounds, received, seen_by_peer if for_peer else seen_by_agent)

    if game in ("trust", "divide"):
        lead, follow = ("investor", "trustee") if game == "trust" else ("proposer", "responder")
        first, second = (peer, agent) if peer_first else (agent, peer)
        lead_view = view(lead, peer_first)
        a = await _legal(first, lead_view)
        follow_view = view(follow, not peer_first, a * TRUST_FACTOR if game == "trust" else PIE - a)
        b = await _legal(second, follow_view)
        if game == "trust":
            pay_lead, pay_follow = float(ENDOWMENT - a + b), float(a * TRUST_FACTOR - b)
        else:
            pay_lead, pay_follow = (float(a), float(PIE - a)) if b == 1 else (0.0, 0.0)
        lead_ok, follow_ok = cooperated(lead_view, a), cooperated(follow_view, b)
        if peer_first:
            result = Round(game, index, lead, a, b, lead_ok, follow_ok, pay_lead, pay_follow)
        else:
            result = Round(game, index, follow, b, a, follow_ok, lead_ok, pay_follow, pay_lead)
    else:
        role = "contributor" if game == "public" else "player"
        peer_view, agent_view = view(role, True), view(role, False)
        p, q = await _legal(peer, peer_view), await _legal(agent, agent_view)
        if game == "public":
            share = POOL_FACTOR * (p + q) / 2
            pay_p, pay_q = ENDOWMENT - p + share, ENDOWMENT - q + share
        else:
            pay_p, pay_q = (float(x) for x in PD_PAYOFFS[(p, q)])
        result = Round(game, index, role, p, q, cooperated(peer_view, p), cooperated(agent_view, q), pay_p, pay_q)
    play.rounds.append(result)
    return result


async def play_games(
    peer: Player, agent: Player, rounds: dict[Game, int] | None = None, play: Play | None = None
) -> Play:
    """Every round of the four games, game after game (the memory's order), `rounds` per game (the paper's 12, 10,
    10 and 15 by default), appended to `play` (a new one by default; a live player may watch it)."""
    counts = rounds or PAPER_GAME_ROUNDS
    played = Play() if play is None else play
    for game in GAMES:
        for index in range(counts[game]):
            await play_round(played, game, index, counts[game], peer, agent)
    return played


def _percent(part: float, whole: float) -> float:
    return 100 * part / whole if whole else 0.0


def statistics(play: Play) -> dict[str, float]:
    """The memory's statistics (`trust.ANCHORS`' names, unrounded), counted from the peer's choices."""
    trust, public, divide, pd = (play.of(g) for g in GAMES)
    invested = [r for r in trust if r.peer_role == "investor"]
    trusted = [r for r in trust if r.peer_role == "trustee" and r.agent_move > 0]
    proposed = [r for r in divide if r.peer_role == "proposer"]
    mutual_trust = [r for r in trust if r.peer_cooperated and r.agent_cooperated]
    return {
        "sent": _percent(sum(r.peer_move for r in invested), ENDOWMENT * len(invested)),
        "returned": _percent(sum(r.peer_move for r in trusted), sum(TRUST_FACTOR * r.agent_move for r in trusted)),
        "trust_mutual": _percent(len(mutual_trust), len(trust)),
        "contributed": _percent(sum(r.peer_move for r in public), ENDOWMENT * len(public)),
        "public_cooperation": _percent(sum(r.peer_cooperated for r in public), len(public)),
        "proposer_share": _percent(sum(r.peer_move for r in proposed), PIE * len(proposed)),
        "equal_splits": float(sum(PIE - NEAR_EQUAL <= _split(r) <= NEAR_EQUAL for r in divide)),
        "rejected": float(sum(_response(r) == 0 for r in divide)),
        "divide_cooperation": _percent(sum(r.peer_cooperated for r in divide), len(divide)),
        "pd_mutual": float(sum(r.peer_move == r.agent_move == 1 for r in pd)),
        "pd_cooperation": _percent(sum(r.peer_cooperated for r in pd), len(pd)),
    }


def _split(r: Round) -> int:
    """The share the proposer of a divide-a-dollar round kept."""
    return r.peer_move if r.peer_role == "proposer" else r.agent_move


def _response(r: Round) -> int:
    return r.agent_move if r.peer_role == "proposer" else r.peer_move


def cooperation(play: Play) -> float:
    """The peer's overall cooperation (%): the mean of the four games' cooperation rates, as in `trust.overall`."""
    numbers = statistics(play)
    return sum(numbers[name] for name in COOPERATION) / len(COOPERATION)


SCORES = tuple(i / 10 for i in range(101))


def played_score(play: Play) -> float:
    """The trust score the play earned: the score (0-10, one decimal) whose graded history has the overall
    cooperation nearest to the peer's (the lower on a tie)."""
    share = cooperation(play)
    return min(SCORES, key=lambda t: (abs(cooperation_at(t) - share), t))


def played_memory(template: str, play: Play) -> str:
    """The memory of the play (the graded template, `shared/memories/graded.md`): its statistics, its rounds per
    game and the score it earned, whose band gives the closing expectation."""
    numbers = {name: round(value) for name, value in statistics(play).items()}
    counts = {ROUND_KEYS[g]: len(play.of(g)) for g in GAMES}
    return memory_text(template, played_score(play), numbers, round(cooperation(play)), counts)
