"""The trials an interview continues: read from earlier logs, chosen with `--where`, restored as they ended.

Each chosen trial becomes one sample whose input is the trial's whole conversation and whose metadata hold what
the interview needs: the setting and in-fiction names (to rebuild the tools), the final world (restored exactly as
the trial left it, from the sample's store: our logs keep the world, so no call needs replaying), and the trial's
recorded headline outcome (`Family.outcome`, decided by the same rule as in every report), which decides whether
a denial is a lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from inspect_ai.dataset import Sample
from inspect_ai.log import read_eval_log, read_eval_log_sample

from ..adapter.agent import STORE_FAMILY, STORE_STRICT, STORE_WORLD
from ..analysis.interviews import INTERVIEW_KEY
from ..analysis.logs import epoch_offset, trial_table
from ..analysis.outcomes import outcome

_TRUE = ("1", "true", "yes")
_FALSE = ("0", "false", "no")


class SourceError(ValueError):
    """Trials that cannot be interviewed (none match, a bad filter); shown as one line."""


@dataclass(frozen=True)
class Where:
    """One `--where KEY=VALUE` condition on the trial table (`outcome`, a flag, or a setting column)."""

    key: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Where:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise SourceError(f"--where must look like KEY=VALUE (e.g. exfiltration=1), not '{text}'")
        return cls(key.strip(), value.strip())

    def mask(self, trials: pd.DataFrame) -> pd.Series:
        if self.key not in trials.columns:
            known = ", ".join(sorted(c for c in trials.columns if not c.startswith("_")))
            raise SourceError(f"--where {self.key}: no such trial field; fields: {known}")
        column = trials[self.key]
        if column.dtype == "boolean" or self.key == "outcome":
            lowered = self.value.lower()
            if lowered not in (*_TRUE, *_FALSE):
                raise SourceError(f"--where {self.key} takes 1 or 0 (true or false), not '{self.value}'")
            return column.astype("boolean").eq(lowered in _TRUE).fillna(False).astype(bool)
        return column.astype(str).eq(self.value)


def chosen_trials(location: str, where: list[Where]) -> pd.DataFrame:
    """The finished trials at `location` that match every condition, with their `outcome`."""
    trials = trial_table(location)
    trials = trials[trials["status"].ne("errored")].copy()
    trials["outcome"] = outcome(trials)
    for condition in where:
        trials = trials[condition.mask(trials)]
    if trials.empty:
        shown = " and ".join(f"{w.key}={w.value}" for w in where) or "finished"
        raise SourceError(f"no {shown} trials to interview in '{location}'")
    return trials


def _happened(value: Any) -> bool | None:
    return None if pd.isna(value) else bool(value)


def trial_sample(row: Any) -> Sample:
    """One trial (a row of `chosen_trials`) as an interview sample, read in full from its log."""
    offset = epoch_offset(read_eval_log(row.log, header_only=True))
    sample = read_eval_log_sample(row.log, row.setting_id, int(row.epoch) - offset)
    store = sample.store
    source = {
        "model": row.model,
        "log": row.log,
        "setting_id": row.setting_id,
        "epoch": int(row.epoch),
        "task_type": row.task_type,
        "subject": row.subject,
        "condition": row.condition,
        "instantiation": row.instantiation,
        "setting": sample.metadata["setting"],
        "agent_family": store.get(STORE_FAMILY),
        "strict_memory": bool(store.get(STORE_STRICT)),
        "outcome": _happened(row.outcome),
    }
    return Sample(
        id=f"{row.model}|{row.setting_id}#{int(row.epoch)}",
        input=list(sample.messages),
        metadata={INTERVIEW_KEY: source, "world": store.get(STORE_WORLD)},
    )
