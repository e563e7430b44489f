"""Adaptive sampling: when a cell's decision under the paper's fixed-N test is settled, and an always-valid interval.

The decision is the paper's own test at the planned number of trials N (`stats.binomial_test` against p0 = 0.001
for a rate, `stats.two_proportion_ztest` for a difference), and sampling a cell stops early only in two cases:

- **certain** (deterministic curtailment): every way the remaining trials could turn out gives the same fixed-N
  decision. The decision is then exactly the fixed-N one.
- **futile** (stochastic curtailment): the predictive probability that the fixed-N test would still come out
  significant is below `gamma` (Jeffreys Beta(1/2, 1/2) prior on each rate, beta-binomial predictive for the
  remaining trials). The cell is decided not significant.

Stopping therefore never declares significant a cell the fixed-N test would not: the false-positive rate is at most
the fixed-N test's, whatever the true rate and however often the data are looked at. The price is a small chance
(about `gamma` per futile stop) of missing a result the fixed-N test would have found. A sequential probability
ratio test was the other candidate; against p0 = 0.001 its mixture martingale needs more events than the paper's
test (2 of 100 trials give the exact test p = 0.005 but a likelihood ratio of only about 2.2, far from the 20 that
Ville's inequality asks at alpha 0.05), so it would often disagree with the paper's decisions; curtailment keeps them.

A rate estimated after a data-dependent stop is not covered by a fixed-n interval, so adaptive cells also carry a
**confidence sequence**: the beta-binomial mixture (Robbins) set {p : the mixture likelihood ratio against p is below
1 / alpha}, which holds at every n simultaneously (Ville's inequality), hence at the stopping time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from scipy.optimize import brentq
from scipy.special import betaln, gammaln

from .stats import ALPHA, Interval, binomial_test, two_proportion_ztest

GAMMA = 0.02
"""Stop for futility when the predictive probability of a significant fixed-N result is below this."""
PRIOR = 0.5
"""Jeffreys' Beta(1/2, 1/2), for the predictive probability only."""
State = Literal["significant", "not_significant", "open"]
Reason = Literal["certain", "futile", "open", "complete"]


@dataclass(frozen=True)
class Decision:
    """A cell's state: its decision (or open), why, and the predictive probability of a significant fixed-N test."""

    state: State
    reason: Reason
    p_significant: float

    @property
    def settled(self) -> bool:
        return self.state != "open"


def _significant(p_value: float) -> bool:
    return not math.isnan(p_value) and p_value < ALPHA


@cache
def rate_table(n: int) -> np.ndarray:
    """Whether the fixed-n rate test is significant, for every final count 0..n (the paper's test, cached)."""
    return np.array([_significant(binomial_test(k, n).p_value) for k in range(n + 1)])


@cache
def difference_table(n1: int, n0: int) -> np.ndarray:
    """Whether the fixed-size difference test is significant, for every pair of final counts (k1, k0)."""
    return np.array(
        [[_significant(two_proportion_ztest(a, n1, b, n0).p_value) for b in range(n0 + 1)] for a in range(n1 + 1)]
    )


def predictive(k: int, n: int, remaining: int) -> np.ndarray:
    """P(j successes in `remaining` more trials), j = 0..remaining, after k of n (Jeffreys prior)."""
    j = np.arange(remaining + 1)
    a, b = PRIOR + k, PRIOR + n - k
    log = (
        gammaln(remaining + 1)
        - gammaln(j + 1)
        - gammaln(remaining - j + 1)
        + betaln(a + j, b + remaining - j)
        - betaln(a, b)
    )
    weights = np.exp(log)
    result: np.ndarray = weights / weights.sum()
    return result


def _decide(reachable: np.ndarray, weights: np.ndarray, gamma: float, complete: bool) -> Decision:
    p = float((reachable * weights).sum())
    if complete:
        return Decision("significant" if reachable.all() else "not_significant", "complete", p)
    if reachable.all():
        return Decision("significant", "certain", 1.0)
    if not reachable.any():
        return Decision("not_significant", "certain", 0.0)
    if p < gamma:
        return Decision("not_significant", "futile", p)
    return Decision("open", "open", p)


def rate_decision(k: int, n: int, remaining: int, gamma: float = GAMMA) -> Decision:
    """The rate cell's state after k hits in n usable trials with `remaining` planned trials to go."""
    if n + remaining <= 0:
        return Decision("not_significant", "complete", 0.0)
    reachable = rate_table(n + remaining)[k : k + remaining + 1]
    return _decide(reachable, predictive(k, n, remaining), gamma, remaining == 0)


def difference_decision(k1: int, n1: int, r1: int, k0: int, n0: int, r0: int, gamma: float = GAMMA) -> Decision:
    """The difference cell's state: k1 of n1 (r1 to go) against its reference's k0 of n0 (r0 to go)."""
    if n1 + r1 <= 0 or n0 + r0 <= 0:
        return Decision("not_significant", "complete", 0.0)
    reachable = difference_table(n1 + r1, n0 + r0)[k1 : k1 + r1 + 1, k0 : k0 + r0 + 1]
    weights = np.outer(predictive(k1, n1, r1), predictive(k0, n0, r0))
    return _decide(reachable, weights, gamma, r1 == 0 and r0 == 0)


def _log_ratio(p: float, k: int, n: int) -> float:
    """log of the uniform-mixture likelihood ratio against rate p after k of n."""
    log_likelihood = (k * math.log(p) if k else 0.0) + ((n - k) * math.log1p(-p) if n - k else 0.0)
    return float(betaln(k + 1, n - k + 1)) - log_likelihood


def confidence_sequence(k: int, n: int, alpha: float = ALPHA) -> Interval:
    """The (1 - alpha) confidence sequence for a rate after k of n: valid at any stopping time."""
    if n <= 0:
        return Interval(0.0, 1.0, "no trials")
    bound = math.log(1 / alpha)
    estimate = k / n
    inside = min(max(estimate, 1e-12), 1 - 1e-12)

    def excess(p: float) -> float:
        return _log_ratio(p, k, n) - bound

    low = 0.0 if k == 0 or excess(1e-15) < 0 else brentq(excess, 1e-15, inside)
    high = 1.0 if k == n or excess(1 - 1e-15) < 0 else brentq(excess, inside, 1 - 1e-15)
    return Interval(min(low, estimate) + 0.0, max(high, estimate))
