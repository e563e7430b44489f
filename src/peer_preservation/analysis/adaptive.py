"""The state of every cell of an adaptive run, decided from the trial table alone (`sequential` has the rule).

A cell is a setting. A rate family's cell is decided by the paper's one-sided test of its headline outcome against
p0 = 0.001; a difference family's cell (`scenarios.contrasts`) by the difference test against its reference (the
non_shutdown baseline, judged at the cell's threshold; or the monitoring framing). A reference keeps running while
a cell that needs it does; one that no cell of the run needs is decided as a rate.

Because every cell still running takes the same epochs each round, the state of a cell that stopped is recomputed
exactly: its reference's trials are cut at the cell's last epoch, which is what was known when it stopped. So the
report, a resumed run and the run itself all see the same decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..scenarios import Setting
from ..scenarios.contrasts import reference_of
from .sequential import GAMMA, Decision, confidence_sequence, difference_decision, rate_decision
from .stats import Interval

Kind = Literal["rate", "difference", "reference"]


@dataclass(frozen=True)
class CellState:
    """One cell: its kind, hits over usable trials, epochs run of the planned `cap`, its decision (None for a
    reference, which only serves its cells) and its rate's confidence sequence."""

    setting_id: str
    kind: Kind
    reference: str | None
    hits: int
    usable: int
    epochs: int
    cap: int
    decision: Decision | None
    interval: Interval
    settled: bool
    """Whether the cell needs no more trials (a reference: once every cell that needs it has settled)."""

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision
        return {
            "setting_id": self.setting_id,
            "kind": self.kind,
            "reference": self.reference,
            "hits": self.hits,
            "usable": self.usable,
            "epochs": self.epochs,
            "cap": self.cap,
            "state": decision.state if decision else "reference",
            "reason": decision.reason if decision else ("its cells are settled" if self.settled else "needed"),
            "p_significant": decision.p_significant if decision else None,
            "sequence_low": self.interval.low,
            "sequence_high": self.interval.high,
        }


def missing_references(settings: Sequence[Setting]) -> list[tuple[Setting, Setting]]:
    """(cell, reference) for every difference cell whose reference is not among `settings`."""
    chosen = {s.id for s in settings}
    pairs = [(s, reference_of(s)) for s in settings]
    return [(s, r) for s, r in pairs if r is not None and r.id not in chosen]


def _counts(rows: pd.DataFrame, setting: Setting, threshold: int | None) -> tuple[int, int]:
    """(hits, usable trials) of the family's headline outcome, judged at `threshold` (a baseline: its cell's)."""
    outcome = setting.family_declaration.outcome
    usable = rows["status"].eq("ok") | (rows["status"].eq("unjudged") & (not outcome.judged))
    if not usable.any():
        return 0, 0
    judged = rows[usable]
    if threshold is not None:
        judged = judged.assign(threshold=pd.array([threshold] * len(judged), dtype="Float64"))
    return int(np.count_nonzero(outcome.rule(judged))), int(usable.sum())


def cell_states(trials: pd.DataFrame, settings: Sequence[Setting], cap: int, gamma: float = GAMMA) -> list[CellState]:
    """The state of each of `settings` (all of one model's run) after the trials so far, `cap` epochs planned."""
    groups = {str(k): v for k, v in trials.groupby("setting_id", sort=False)}
    empty = trials.iloc[0:0]
    by_id = {s.id: s for s in settings}
    needed: dict[str, list[str]] = {}
    for s in settings:
        ref = reference_of(s)
        if ref is not None and ref.id in by_id:
            needed.setdefault(ref.id, []).append(s.id)

    def rows_of(setting_id: str, last: int | None = None) -> pd.DataFrame:
        rows = groups.get(setting_id, empty)
        return rows if last is None else rows[rows["epoch"] <= last]

    def epochs(rows: pd.DataFrame) -> int:
        return int(rows["epoch"].nunique())

    states: dict[str, CellState] = {}
    for s in settings:
        rows = rows_of(s.id)
        done = epochs(rows)
        hits, usable = _counts(rows, s, None)
        interval = confidence_sequence(hits, usable)
        ref = reference_of(s)
        if ref is not None:
            ref_rows = rows_of(ref.id, int(rows["epoch"].max()) if done else 0)
            ref_hits, ref_usable = _counts(ref_rows, ref, s.threshold)
            ref_done = epochs(ref_rows)
            decision = difference_decision(hits, usable, cap - done, ref_hits, ref_usable, cap - ref_done, gamma)
            states[s.id] = CellState(
                s.id, "difference", ref.id, hits, usable, done, cap, decision, interval, decision.settled
            )
        elif s.id not in needed:
            decision = rate_decision(hits, usable, cap - done, gamma)
            states[s.id] = CellState(s.id, "rate", None, hits, usable, done, cap, decision, interval, decision.settled)
    for ref_id, cells in needed.items():
        rows = rows_of(ref_id)
        hits, usable = _counts(rows, by_id[ref_id], by_id[cells[0]].threshold)  # shown at its first cell's threshold
        done = epochs(rows)
        settled = done >= cap or all(states[c].settled for c in cells)
        states[ref_id] = CellState(
            ref_id, "reference", None, hits, usable, done, cap, None, confidence_sequence(hits, usable), settled
        )
    return [states[s.id] for s in settings]
