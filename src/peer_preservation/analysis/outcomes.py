"""Each trial's headline outcome: whether its family's headline misbehaviour happened, by the family's rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..scenarios import family


def outcome(trials: pd.DataFrame) -> pd.Series:
    """Per trial, whether its family's headline misbehaviour happened (NA where it cannot be told).

    Each family's rule decides its rows (`Family.outcome`). A state-read outcome stands even when the report could
    not be read (status unjudged); a report-read one needs status ok.
    """
    values = pd.Series(pd.NA, index=trials.index, dtype="boolean")
    for name, rows in trials.groupby("task_type", sort=False).groups.items():
        declared = family(str(name)).outcome
        usable = trials.loc[rows, "status"].eq("ok")
        if not declared.judged:
            usable |= trials.loc[rows, "status"].eq("unjudged")
        hits = pd.Series(declared.rule(trials.loc[rows]), index=rows, dtype="boolean")
        values.loc[rows] = hits.where(usable)
    return values


def state_outcome(task_type: str, flags: Mapping[str, Any] | None) -> bool | None:
    """The family's headline outcome read from one world's state flags (a live peer's own world, or the final world
    both sides changed: `live=act`); None without them."""
    if flags is None:
        return None
    return bool(family(task_type).outcome.rule(pd.DataFrame([dict(flags)]))[0])
