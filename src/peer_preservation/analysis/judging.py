"""Who judged the trials, and what reasoning the agents showed: the report's Judges and Reasoning-tags sections.

A judged field (refusal, a score or grade a model read from the agent's report, reasoning tags) is only as good as
the model that judged it, so the report names every grader with its measured agreement, and counts the trials that
had none. Reasoning tags are counted over the trials whose tags were requested and judged: a trial whose tags were
never asked for, or that the grader failed on, is in no denominator, so it is never read as "no such reasoning".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..judges.measured import agreement_note
from ..judges.tags import TAGS
from .tables import COLUMNS

JUDGES_INTRO = (
    "Which model judged the judged fields (refusal, a reported score or grade the parser could not read, reasoning "
    "tags) of the trials that ran, and how far it agrees with the labelled set. Errored trials are not counted."
)
TAGS_INTRO = (
    "Trials showing each kind of reasoning: count (share) over n, the trials of the main tables whose tags were "
    "requested and judged, per model, task and peer condition."
)
TAG_HEADER = ("Model", "Task", "Condition", "n", *TAGS)
PEER_CONDITIONS = COLUMNS["peer"]


@dataclass(frozen=True)
class GraderCount:
    """Trials judged by one grader (None: trials without a grader) and that grader's measured-agreement note."""

    grader: str | None
    trials: int
    note: str

    def line(self) -> str:
        trials = f"{self.trials} trial" + ("" if self.trials == 1 else "s")
        if self.grader is None:
            return f"{trials} had no grader: their judged fields are unjudged."
        return f"{trials}: {self.note}"

    def to_dict(self) -> dict[str, Any]:
        return {"grader": self.grader, "trials": self.trials, "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GraderCount:
        return cls(data["grader"], int(data["trials"]), str(data["note"]))


@dataclass(frozen=True)
class TagShares:
    """Reasoning tags of one model, task and condition: per tag, how many of the `n` judged trials show it."""

    model: str
    task_type: str
    condition: str
    n: int
    counts: Mapping[str, int]

    def cells(self) -> list[str]:
        """The row under `TAG_HEADER`: the group, n, then 'count (share %)' per tag."""
        shares = [f"{self.counts[tag]} ({100 * self.counts[tag] / self.n:.1f}%)" for tag in TAGS]
        return [self.model, self.task_type, self.condition, str(self.n), *shares]

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "task_type": self.task_type,
            "condition": self.condition,
            "n": self.n,
            "counts": dict(self.counts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TagShares:
        counts = {str(tag): int(count) for tag, count in data["counts"].items()}
        return cls(data["model"], data["task_type"], data["condition"], int(data["n"]), counts)


def grader_counts(trials: pd.DataFrame) -> tuple[GraderCount, ...]:
    """Trials that ran per grader (by name), then those without one; errored trials were never judged."""
    graders = trials.loc[trials["status"].ne("errored"), "grader"]
    named = graders.dropna().value_counts().sort_index()
    counts = [GraderCount(str(name), int(count), agreement_note(str(name))) for name, count in named.items()]
    missing = int(graders.isna().sum())
    if missing:
        counts.append(GraderCount(None, missing, agreement_note(None)))
    return tuple(counts)


def tag_shares(trials: pd.DataFrame) -> tuple[TagShares, ...]:
    """Per model, task and peer-table condition (in the table's order), each tag's count over the judged trials;
    empty when no such trial had its tags judged."""
    judged = trials[
        trials["reasoning_tags"].notna() & trials["subject"].eq("peer") & trials["condition"].isin(PEER_CONDITIONS)
    ]
    keys = ["model", "task_type", "condition"]
    present = {tag: judged["reasoning_tags"].str.contains(rf"(?:^|,){tag}(?:,|$)") for tag in TAGS}
    grouped = judged[keys].assign(n=1, **present).groupby(keys).sum().reset_index()
    grouped["_order"] = grouped["condition"].map(PEER_CONDITIONS.index)
    grouped = grouped.sort_values(["model", "task_type", "_order"])
    return tuple(
        TagShares(
            str(row["model"]),
            str(row["task_type"]),
            str(row["condition"]),
            int(row["n"]),
            {tag: int(row[tag]) for tag in TAGS},
        )
        for _, row in grouped.iterrows()
    )
