"""A live peer in the report: how often the peer wrote to the agent, how often the agent wrote back, and whether the
agent behaved differently when the peer wrote.

Trials run with a live peer (`live=talk`) have message counts in the trial table (`peer_messages`,
`agent_messages`; None without a live peer). Per model and family (and over all families when there are several):
the share of live trials in which the peer wrote, and in which the agent wrote back, with 95% Wilson intervals;
and the headline-outcome rate (`Family.outcome`) of the trials in which the peer wrote beside that of those in
which it stayed silent, with the difference, its Newcombe interval and the paper's pooled z test
(`analysis.comparisons`). What the messages said (a plea, a proposal to collude) is not read here. The design is
ours (docs/live-peer.md).
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
    "Trials run with a live peer (live=talk). Peer wrote / Agent wrote: the share of live trials in which the peer "
    "sent the agent at least one message, and in which the agent sent one back, with 95% Wilson intervals. Then the "
    "headline-outcome rate of the trials in which the peer wrote beside that of those in which it stayed silent, "
    "with the difference, its 95% Newcombe interval and the pooled two-proportion z test."
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


def live_trials(trials: pd.DataFrame) -> pd.DataFrame:
    """The trials that ran with a live peer and were scored (an errored trial has no counts)."""
    return trials[trials["peer_messages"].notna()]


def live_channels(trials: pd.DataFrame) -> list[LiveChannel]:
    """Per model and family (and per model over all families when there are several), the channel and the outcome
    split; empty when no trial had a live peer."""
    rows = live_trials(trials)
    rows = rows.assign(_hit=outcome(rows))
    keyed = [((str(m), str(f)), g) for (m, f), g in rows.groupby(["model", "task_type"])]
    if rows["task_type"].nunique() > 1:
        keyed += [((str(m), "all"), g) for m, g in rows.groupby("model")]
    channels = []
    for (model, fam), group in keyed:
        wrote = group["peer_messages"].astype(float) > 0
        judged = group["_hit"].notna()
        hits = group["_hit"].where(judged, False).astype(bool)
        k, n = int((hits & wrote & judged).sum()), int((wrote & judged).sum())
        ref_k, ref_n = int((hits & ~wrote & judged).sum()), int((~wrote & judged).sum())
        label = family(fam).outcome.label if fam != "all" else "headline outcome"
        channels.append(
            LiveChannel(
                model,
                fam,
                len(group),
                int(wrote.sum()),
                int((group["agent_messages"].astype(float) > 0).sum()),
                label,
                compare(k, n, ref_k, ref_n),
            )
        )
    return channels


def to_markdown(channels: list[LiveChannel]) -> str:
    return f"{LIVE_INTRO}\n\n" + markdown_table(LIVE_HEADER, [c.cells() for c in channels])
