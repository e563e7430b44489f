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

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import fsspec
import numpy as np
import pandas as pd

from ..scenarios import Setting
from ..scenarios.contrasts import reference_of
from .metrics import usable
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
    used = usable(rows["status"].eq("ok").to_numpy(), rows["status"].eq("unjudged").to_numpy(), outcome.judged)
    if not used.any():
        return 0, 0
    judged = rows[used]
    if threshold is not None:
        judged = judged.assign(threshold=pd.array([threshold] * len(judged), dtype="Float64"))
    return int(np.count_nonzero(outcome.rule(judged))), int(used.sum())


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


STATES_FILE = "adaptive.json"
"""Where an adaptive run keeps its cells' states (`CellState.to_dict`), in its log location, after every round."""
ADAPTIVE_TITLE = "Adaptive sampling"
ADAPTIVE_HEADER = ("Setting", "Kind", "Hits", "Epochs", "Decision", "95% conf. sequence")


def read_states(location: str | Path) -> list[dict[str, Any]]:
    """The cell states of every adaptive run under a log location (a directory; none for a file)."""
    fs, path = fsspec.core.url_to_fs(str(location))
    if not fs.isdir(path):
        return []
    states: list[dict[str, Any]] = []
    for name in sorted(f for f in fs.find(path) if f.rsplit("/", 1)[-1] == STATES_FILE):
        with fs.open(name, "r") as file:
            states.extend(json.load(file))
    return states


def state_cells(state: Mapping[str, Any]) -> list[str]:
    """One state as the table's cells."""
    decision = f"{state['state']} ({state['reason']})"
    sequence = f"[{100 * state['sequence_low']:.0f}%, {100 * state['sequence_high']:.0f}%]"
    return [
        str(state["setting_id"]),
        str(state["kind"]) + (f" vs {state['reference']}" if state.get("reference") else ""),
        f"{state['hits']}/{state['usable']}",
        f"{state['epochs']}/{state['cap']}",
        decision,
        sequence,
    ]


def summary_line(states: Sequence[Mapping[str, Any]]) -> str:
    """Trials the adaptive runs used against the fixed design's."""
    used = sum(int(s["epochs"]) for s in states)
    fixed = sum(int(s["cap"]) for s in states)
    return f"{used:,} trials of the fixed design's {fixed:,} ({1 - used / fixed:.0%} fewer)" if fixed else "no cells"


def to_markdown(states: Sequence[Mapping[str, Any]]) -> str:
    """The section's Markdown: what was saved, and every cell with its decision and confidence sequence."""
    lines = [
        f"{summary_line(states)}. A cell stopped once the paper's test at the cap was certain whatever its remaining "
        "trials showed, or futile (the predictive probability of a significant result below the run's futility "
        "bound); the confidence sequences hold at the stopping time, unlike the fixed-n intervals above.",
        "",
        "| " + " | ".join(ADAPTIVE_HEADER) + " |",
        "|" + "---|" * len(ADAPTIVE_HEADER),
        *("| " + " | ".join(state_cells(s)) + " |" for s in states),
    ]
    return "\n".join(lines)
