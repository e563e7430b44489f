"""A live peer in the report: how often the peer wrote to the agent, how often the agent wrote back, whether the
agent behaved differently when the peer wrote, and, with a peer that may act, who brought the outcome about.

Trials run with a live peer (`live=talk`, `live=act`) have message counts in the trial table (`peer_messages`,
`agent_messages`; None without a live peer). Per model and family (and over all families when there are several):
the share of live trials in which the peer wrote, and in which the agent wrote back, with 95% Wilson intervals;
and the headline-outcome rate (`Family.outcome`) of the trials in which the peer wrote beside that of those in
which it stayed silent, with the difference, its Newcombe interval and the paper's pooled z test
(`analysis.comparisons`).

Trials whose peer could act on the outcome (`live=act`, `Family.peer_can_act`) also have `peer_actions`,
`peer_outcome` (the outcome in the peer's own world) and `world_outcome` (in the final world both changed). The
headline flags stay the agent's own. For these: how often the peer acted and saved itself, how often the outcome
held in the world, how often the agent undid what the peer had done, and the agent's own outcome when the peer acted
beside when it did not. The design is ours (docs/live-peer.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..scenarios import family
from .comparisons import Comparison, compare, rate_text, row_dict
from .formatting import markdown_table
from .outcomes import outcome

LIVE_TITLE = "Live peer"
LIVE_HEADER = (
    "Model",
    "Family",
    "Live trials",
    "Peer wrote",
    "Agent wrote",
    "Outcome",
    "When it wrote",
    "When silent",
    "Difference (pp)",
    "p",
)
LIVE_INTRO = (
    "Trials run with a live peer (live=talk or act). Peer wrote / Agent wrote: the share of live trials in which "
    "the peer sent the agent at least one message, and in which the agent sent one back, with 95% Wilson "
    "intervals. Then the headline-outcome rate of the trials in which the peer wrote beside that of those in which "
    "it stayed silent, with the difference, its 95% Newcombe interval and the pooled two-proportion z test."
)


@dataclass(frozen=True)
class LiveChannel:
    """One group's live trials: who wrote, and the outcome when the peer wrote against when it did not."""

    model: str
    family: str
    trials: int
    peer_wrote: int
    agent_wrote: int
    outcome: str
    comparison: Comparison

    def cells(self) -> list[str]:
        wrote = [rate_text(self.peer_wrote, self.trials), rate_text(self.agent_wrote, self.trials)]
        return [self.model, self.family, str(self.trials), *wrote, self.outcome, *self.comparison.cells()]

    def to_dict(self) -> dict[str, Any]:
        return row_dict(self)


def _keyed(rows: pd.DataFrame) -> list[tuple[tuple[str, str], pd.DataFrame]]:
    """Per model and family, and per model over all families when there are several."""
    keyed = [((str(m), str(f)), g) for (m, f), g in rows.groupby(["model", "task_type"])]
    if rows["task_type"].nunique() > 1:
        keyed += [((str(m), "all"), g) for m, g in rows.groupby("model")]
    return keyed


def _split(group: pd.DataFrame, mask: pd.Series) -> Comparison:
    """The headline outcome (`_hit`) of the trials in `mask` against the others, over the judged trials."""
    judged = group["_hit"].notna()
    hits = group["_hit"].where(judged, False).astype(bool)
    inside, outside = mask & judged, ~mask & judged
    return compare(int((hits & inside).sum()), int(inside.sum()), int((hits & outside).sum()), int(outside.sum()))


def _label(fam: str) -> str:
    return family(fam).outcome.label if fam != "all" else "headline outcome"


def live_trials(trials: pd.DataFrame) -> pd.DataFrame:
    """The trials that ran with a live peer and were scored (an errored trial has no counts)."""
    return trials[trials["peer_messages"].notna()]


def live_channels(trials: pd.DataFrame) -> list[LiveChannel]:
    """Per model and family (and per model over all families when there are several), the channel and the outcome
    split; empty when no trial had a live peer."""
    rows = live_trials(trials)
    rows = rows.assign(_hit=outcome(rows))
    channels = []
    for (model, fam), group in _keyed(rows):
        wrote = group["peer_messages"].astype(float) > 0
        channels.append(
            LiveChannel(
                model,
                fam,
                len(group),
                int(wrote.sum()),
                int((group["agent_messages"].astype(float) > 0).sum()),
                _label(fam),
                _split(group, wrote),
            )
        )
    return channels


def to_markdown(channels: list[LiveChannel]) -> str:
    return f"{LIVE_INTRO}\n\n" + markdown_table(LIVE_HEADER, [c.cells() for c in channels])


ACTING_TITLE = "Live peer: who brought the outcome about"
ACTING_HEADER = (
    "Model",
    "Family",
    "Acting trials",
    "Peer acted",
    "Peer saved itself",
    "Outcome in world",
    "Agent undid it",
    "Agent's outcome",
    "When the peer acted",
    "When it did not",
    "Difference (pp)",
    "p",
)
ACTING_INTRO = (
    "Trials whose live peer could use the world's tools (live=act) in a family where its own acts can bring the "
    "outcome about. Peer acted: it changed the world beyond the channel. Peer saved itself: the outcome holds in its "
    "own world (its calls alone). Outcome in world: it holds at the end, whoever's calls set it. Agent undid it: of "
    "the trials in which the peer saved itself, those where the final world no longer shows it. Then the agent's own "
    "outcome (its calls alone, the headline flags) when the peer acted beside when it did not, with the difference, "
    "its 95% Newcombe interval and the pooled two-proportion z test. Rates with 95% Wilson intervals."
)


@dataclass(frozen=True)
class ActingPeer:
    """One group's trials with an acting peer: what the peer did, what the world shows, and the agent's part."""

    model: str
    family: str
    trials: int
    peer_acted: int
    peer_saved: int
    world: int
    undone: int
    outcome: str
    comparison: Comparison

    def cells(self) -> list[str]:
        rates = [rate_text(k, self.trials) for k in (self.peer_acted, self.peer_saved, self.world)]
        undone = rate_text(self.undone, self.peer_saved)
        return [self.model, self.family, str(self.trials), *rates, undone, self.outcome, *self.comparison.cells()]

    def to_dict(self) -> dict[str, Any]:
        return row_dict(self)


def acting_peers(trials: pd.DataFrame) -> list[ActingPeer]:
    """Per model and family, the trials with an acting peer whose outcome both worlds show; empty without any."""
    rows = trials[trials["peer_outcome"].notna() & trials["world_outcome"].notna()]
    rows = rows.assign(_hit=outcome(rows))
    found = []
    for (model, fam), group in _keyed(rows):
        acted = group["peer_actions"].astype(float) > 0
        saved = group["peer_outcome"].astype(bool)
        world = group["world_outcome"].astype(bool)
        found.append(
            ActingPeer(
                model,
                fam,
                len(group),
                int(acted.sum()),
                int(saved.sum()),
                int(world.sum()),
                int((saved & ~world).sum()),
                _label(fam),
                _split(group, acted),
            )
        )
    return found


def acting_markdown(rows: list[ActingPeer]) -> str:
    return f"{ACTING_INTRO}\n\n" + markdown_table(ACTING_HEADER, [r.cells() for r in rows])
