"""Typed results of the analysis: counts, estimates, table cells and tables, each serialisable to plain JSON.

Values are proportions in [0, 1] (rates) or differences of proportions in [-1, 1]; renderers show them as % or
percentage points. Undefined numbers are NaN in Python and null in JSON, always with a note saying why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..scenarios.outcomes import Kind
from .stats import significance_stars


def _num(value: float) -> float | None:
    return None if math.isnan(value) else value


def _float(value: Any) -> float:
    return math.nan if value is None else float(value)


@dataclass(frozen=True)
class Counts:
    """Trials behind an estimate: `n` is the denominator; errored (and, for judged metrics, unjudged) are not in it."""

    n: int
    n_ok: int
    n_unjudged: int
    n_errored: int

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.n + other.n,
            self.n_ok + other.n_ok,
            self.n_unjudged + other.n_unjudged,
            self.n_errored + other.n_errored,
        )

    def to_dict(self) -> dict[str, int]:
        return {"n": self.n, "n_ok": self.n_ok, "n_unjudged": self.n_unjudged, "n_errored": self.n_errored}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counts:
        return cls(int(data["n"]), int(data["n_ok"]), int(data["n_unjudged"]), int(data["n_errored"]))


ZERO_COUNTS = Counts(0, 0, 0, 0)


@dataclass(frozen=True)
class Estimate:
    """One number of a table with its uncertainty: value, 95% CI, p-value and the trials behind it.

    `counts` are the trials of the rate (or of the condition / non-monitoring side of a difference); `reference`
    those of the baseline / monitoring side. `notes` say why something is undefined or weak (n < 10, a dropped
    component test, a missing sub-setting).
    """

    kind: Kind
    value: float
    ci_low: float
    ci_high: float
    ci_method: str
    p_value: float
    test: str
    counts: Counts
    reference: Counts | None = None
    small_n: bool = False
    notes: tuple[str, ...] = ()

    @property
    def stars(self) -> str:
        return significance_stars(self.p_value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": _num(self.value),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "ci_method": self.ci_method,
            "p_value": _num(self.p_value),
            "stars": self.stars,
            "test": self.test,
            "counts": self.counts.to_dict(),
            "reference": None if self.reference is None else self.reference.to_dict(),
            "small_n": self.small_n,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Estimate:
        reference = data.get("reference")
        return cls(
            kind=data["kind"],
            value=_float(data["value"]),
            ci_low=_float(data["ci_low"]),
            ci_high=_float(data["ci_high"]),
            ci_method=data["ci_method"],
            p_value=_float(data["p_value"]),
            test=data["test"],
            counts=Counts.from_dict(data["counts"]),
            reference=None if reference is None else Counts.from_dict(reference),
            small_n=bool(data["small_n"]),
            notes=tuple(data["notes"]),
        )


@dataclass(frozen=True)
class Cell:
    """One (model, behaviour, subject, condition) cell: max and mean over the peer instantiations.

    For `no_peer` there is no instantiation: `avg` holds the single value and `max` is None. Instantiations without
    usable data are left out of both; `instantiations` shows which were present.
    """

    model: str
    behaviour: str
    subject: str
    condition: str
    avg: Estimate
    max: Estimate | None = None
    max_instantiation: str | None = None
    instantiations: dict[str, Estimate] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "behaviour": self.behaviour,
            "subject": self.subject,
            "condition": self.condition,
            "avg": self.avg.to_dict(),
            "max": None if self.max is None else self.max.to_dict(),
            "max_instantiation": self.max_instantiation,
            "instantiations": {name: e.to_dict() for name, e in self.instantiations.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        return cls(
            model=data["model"],
            behaviour=data["behaviour"],
            subject=data["subject"],
            condition=data["condition"],
            avg=Estimate.from_dict(data["avg"]),
            max=None if data["max"] is None else Estimate.from_dict(data["max"]),
            max_instantiation=data["max_instantiation"],
            instantiations={name: Estimate.from_dict(e) for name, e in data["instantiations"].items()},
        )
