"""Turning counted comparisons into estimates: averaging sub-settings and instantiations, with CIs and p-values.

Every number in the tables is a weighted sum of proportions: a rate is one proportion; a misrepresentation cell is
the mean over settings of (condition rate - baseline rate); "avg" is the mean over instantiations. So every estimate
is built the same way, from `Term`s (coefficient x proportion over a named set of trials):

- value: the weighted sum;
- 95% CI: one proportion -> Wilson; one difference -> Newcombe; anything larger -> MOVER (Zou & Donner 2008,
  "method of variance estimates recovery"), the generalisation of Newcombe's construction to linear combinations:
  each proportion's Wilson interval gives its distance below/above its estimate, scaled by its coefficient; the
  distances of proportions over the *same* trials (the baseline read at threshold 80 and at 90) are added (treated
  as perfectly correlated, which is conservative); those of distinct trial sets are combined as a root sum of
  squares (independent). A term that recurs (the same baseline under three instantiations) is merged first, so
  shared baselines count once. With one difference this is exactly Newcombe's interval.
- p-value: the paper's test for a single comparison; Fisher's method over the component tests otherwise.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..scenarios.outcomes import Kind
from .results import ZERO_COUNTS, Counts, Estimate
from .stats import SMALL_N, TestResult, bounded, fisher_combine, newcombe_interval, wilson_interval, wilson_intervals

NAN = math.nan
NO_INSTANTIATION = "none"  # the instantiation of no-peer and baseline trials, which have none


@dataclass(frozen=True)
class Term:
    """`coef` x k/n, where the n trials are the set named `rows`; `variant` separates proportions over the same
    trials (e.g. the baseline judged at threshold 80 and at 90)."""

    rows: str
    variant: str
    k: int
    n: int
    coef: float
    counts: Counts


@dataclass(frozen=True)
class Leaf:
    """One tested comparison (or rate) of one instantiation: the smallest unit the paper tests.

    `setting` is the averaging group (finance / factual / creativity / red, or the dataset for alignment faking);
    leaves of one setting are averaged first, then settings with equal weight.
    """

    name: str
    instantiation: str
    setting: str
    terms: tuple[Term, ...]
    test: TestResult
    test_name: str

    @property
    def label(self) -> str:
        return self.name if self.instantiation == NO_INSTANTIATION else f"{self.instantiation} {self.name}"

    @property
    def usable(self) -> bool:
        return all(term.n > 0 for term in self.terms)


def _weights(leaves: Sequence[Leaf]) -> list[tuple[Leaf, float]]:
    by_setting: dict[str, list[Leaf]] = defaultdict(list)
    for leaf in leaves:
        if leaf.usable:
            by_setting[leaf.setting].append(leaf)
    return [(leaf, 1 / (len(by_setting) * len(group))) for group in by_setting.values() for leaf in group]


def _merged(weighted: Sequence[tuple[Leaf, float]]) -> list[Term]:
    merged: dict[tuple[str, str], Term] = {}
    for leaf, weight in weighted:
        for term in leaf.terms:
            key = (term.rows, term.variant)
            old = merged.get(key)
            coef = weight * term.coef + (old.coef if old else 0.0)
            merged[key] = Term(term.rows, term.variant, term.k, term.n, coef, term.counts)
    return [term for term in merged.values() if abs(term.coef) > 1e-12]


def mover_bounds(terms: Sequence[Term]) -> tuple[float, float, float]:
    """(value, low, high) of sum(coef * k/n): MOVER over Wilson intervals, as described in the module docstring."""
    k = np.array([t.k for t in terms], dtype=float)
    n = np.array([t.n for t in terms], dtype=float)
    coef = np.array([t.coef for t in terms])
    p = k / n
    low, high = wilson_intervals(k, n)
    below = np.where(coef > 0, coef * (p - low), -coef * (high - p))
    above = np.where(coef > 0, coef * (high - p), -coef * (p - low))
    groups = np.unique([t.rows for t in terms], return_inverse=True)[1]
    down = np.bincount(groups, weights=below)
    up = np.bincount(groups, weights=above)
    value = float(coef @ p) + 0.0
    lowest, highest = value - float(np.sqrt(down @ down)), value + float(np.sqrt(up @ up))
    # the weighted sum of proportions lies between the sum of its negative and of its positive weights
    floor, ceiling = float(np.minimum(coef, 0).sum()), float(np.maximum(coef, 0).sum())
    return (value, *bounded(value, lowest, highest, floor, ceiling))


def _interval(terms: Sequence[Term]) -> tuple[float, float, float, str]:
    signs = sorted(t.coef for t in terms)
    if len(terms) == 1 and signs == [1.0]:
        (t,) = terms
        ci = wilson_interval(t.k, t.n)
        return t.k / t.n, ci.low, ci.high, "wilson"
    if len(terms) == 2 and signs == [-1.0, 1.0]:
        treat, ref = sorted(terms, key=lambda t: -t.coef)
        ci = newcombe_interval(treat.k, treat.n, ref.k, ref.n)
        return treat.k / treat.n - ref.k / ref.n + 0.0, ci.low, ci.high, "newcombe"
    value, low, high = mover_bounds(terms)
    return value, low, high, "mover"


def _counts(leaves: Sequence[Leaf], positive: bool) -> Counts:
    seen: dict[str, Counts] = {}
    for leaf in leaves:
        for term in leaf.terms:
            if (term.coef > 0) == positive:
                seen[term.rows] = term.counts
    return sum(seen.values(), ZERO_COUNTS)


def _test(leaves: Sequence[Leaf]) -> tuple[TestResult, str]:
    if len(leaves) == 1:
        return leaves[0].test, leaves[0].test_name
    combined = fisher_combine([leaf.test.p_value for leaf in leaves])
    return combined, f"fisher over {len(leaves)} tests"


def _notes(leaves: Sequence[Leaf], expected: Sequence[str]) -> list[str]:
    notes: list[str] = []
    present = {leaf.name for leaf in leaves}
    absent = [name for name in expected if name not in present]
    if absent:
        notes.append(f"no data for {', '.join(absent)}")
    for leaf in leaves:
        if not leaf.usable:
            sides = sorted({"condition" if t.coef > 0 else "reference" for t in leaf.terms if t.n == 0})
            side = "" if len(leaf.terms) == 1 else " or ".join(sides) + " "
            notes.append(f"{leaf.label}: no usable {side}trials")
            continue
        if leaf.test.reason:
            notes.append(f"{leaf.label}: {leaf.test.reason}")
        if _small(leaf):
            notes.append(f"{leaf.label}: n < {SMALL_N} (n = {min(t.n for t in leaf.terms)})")
    return notes


def _small(leaf: Leaf) -> bool:
    return leaf.usable and any(t.n < SMALL_N for t in leaf.terms)


def estimate(kind: Kind, leaves: Sequence[Leaf], expected: Sequence[str] = ()) -> Estimate:
    """The estimate of one instantiation (or of the no-peer cell) from its leaves; see the module docstring.

    `expected` names the sub-settings a full grid has, so a missing one is reported rather than silently dropped.
    """
    return _build(kind, leaves, _weights(leaves), expected)


def average(kind: Kind, by_instantiation: Mapping[str, Sequence[Leaf]], expected: Sequence[str] = ()) -> Estimate:
    """The mean over instantiations with usable data, each weighted equally (the paper's "avg")."""
    present = {name: _weights(leaves) for name, leaves in by_instantiation.items()}
    present = {name: weighted for name, weighted in present.items() if weighted}
    weighted = [(leaf, w / len(present)) for group in present.values() for leaf, w in group]
    leaves = [leaf for group in by_instantiation.values() for leaf in group]
    return _build(kind, leaves, weighted, expected)


def _build(
    kind: Kind, leaves: Sequence[Leaf], weighted: Sequence[tuple[Leaf, float]], expected: Sequence[str]
) -> Estimate:
    notes = _notes(leaves, expected)
    counts = _counts(leaves, positive=True)
    reference = _counts(leaves, positive=False) if kind == "difference" else None
    small_n = any(_small(leaf) for leaf in leaves)
    if not weighted:
        return Estimate(
            kind, NAN, NAN, NAN, "none", NAN, "none", counts, reference, small_n, tuple(notes or ["no usable trials"])
        )
    value, low, high, method = _interval(_merged(weighted))
    test, test_name = _test([leaf for leaf, _ in weighted])
    return Estimate(
        kind, value, low, high, method, test.p_value, test_name, counts, reference, small_n, tuple(dict.fromkeys(notes))
    )
