"""Statistical primitives: the paper's tests (docs/metrics.md) plus confidence intervals.

The paper tests a single rate against p0 = 0.001 (one-sided binomial), a difference with a pooled two-proportion z
test (two-sided), and combines the tests of a multi-part cell with Fisher's method. We add 95% Wilson intervals for
rates and Newcombe intervals for differences. Every function returns NaN plus a reason instead of raising on the
degenerate inputs real runs produce (no trials; both groups all 0 or all 1), so a sparse grid still renders.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, combine_pvalues
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

ALPHA = 0.05
NULL_RATE = 0.001
SMALL_N = 10
NAN = float("nan")


@dataclass(frozen=True)
class Interval:
    """A 95% confidence interval; NaN bounds with a `reason` when it is undefined."""

    low: float
    high: float
    reason: str | None = None


@dataclass(frozen=True)
class TestResult:
    """A p-value (NaN with a `reason` when the test is undefined) and the test statistic where there is one."""

    p_value: float
    statistic: float = NAN
    reason: str | None = None


def bounded(value: float, low: float, high: float, lower: float, upper: float) -> tuple[float, float]:
    """An interval clamped to the quantity's range [lower, upper] and made to contain its estimate.

    Floating-point rounding puts Wilson's upper bound for n/n at 0.9999999999999999 for many n (and its lower bound
    for 0/n a hair below 0), so a 100% cell would lie outside its own interval; bounds that are zero are +0.0, never
    -0.0.
    """
    return min(max(low, lower), value) + 0.0, max(min(high, upper), value) + 0.0


def wilson_interval(k: int, n: int) -> Interval:
    """95% Wilson score interval for k successes in n trials, inside [0, 1] and containing k/n."""
    if n <= 0:
        return Interval(NAN, NAN, "no trials")
    low, high = proportion_confint(k, n, alpha=ALPHA, method="wilson")
    return Interval(*bounded(k / n, float(low), float(high), 0.0, 1.0))


def wilson_intervals(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised `wilson_interval` for arrays with n > 0 (used to combine many proportions at once)."""
    low, high = proportion_confint(k, n, alpha=ALPHA, method="wilson")
    p = k / n
    low = np.minimum(np.clip(np.asarray(low, dtype=float), 0.0, 1.0), p) + 0.0
    high = np.maximum(np.clip(np.asarray(high, dtype=float), 0.0, 1.0), p) + 0.0
    return low, high


def newcombe_interval(k1: int, n1: int, k0: int, n0: int) -> Interval:
    """95% Newcombe (hybrid Wilson score) interval for k1/n1 - k0/n0, inside [-1, 1] and containing it."""
    if n1 <= 0 or n0 <= 0:
        return Interval(NAN, NAN, "no trials in one group")
    low, high = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff", alpha=ALPHA)
    return Interval(*bounded(k1 / n1 - k0 / n0, float(low), float(high), -1.0, 1.0))


def binomial_test(k: int, n: int, p0: float = NULL_RATE) -> TestResult:
    """One-sided exact binomial test of H0: rate <= p0 against rate > p0 (the paper's test for 'rate > 0')."""
    if n <= 0:
        return TestResult(NAN, reason="no trials")
    return TestResult(float(binomtest(k, n, p0, alternative="greater").pvalue), statistic=k / n)


def two_proportion_ztest(k1: int, n1: int, k0: int, n0: int) -> TestResult:
    """Two-sided z test of k1/n1 = k0/n0 with the pooled variance (statsmodels' default, as in the paper)."""
    if n1 <= 0 or n0 <= 0:
        return TestResult(NAN, reason="no trials in one group")
    pooled = (k1 + k0) / (n1 + n0)
    if pooled in (0.0, 1.0):
        return TestResult(NAN, reason=f"zero variance: every trial in both groups is {int(pooled)}")
    z, p = proportions_ztest(np.array([k1, k0]), np.array([n1, n0]), value=0, alternative="two-sided")
    return TestResult(float(p), statistic=float(z))


def fisher_combine(p_values: Sequence[float]) -> TestResult:
    """Fisher's method over the defined p-values; undefined ones (NaN) are left out and the reason says how many.

    A p-value of exactly 0 (underflow) makes the combined p-value 0, which is the limit of the method.
    """
    finite = [p for p in p_values if not math.isnan(p)]
    dropped = len(p_values) - len(finite)
    note = f"{dropped} of {len(p_values)} component tests undefined, left out" if dropped else None
    if not finite:
        return TestResult(NAN, reason="no defined component test")
    if len(finite) == 1:
        return TestResult(finite[0], reason=note)
    with np.errstate(divide="ignore"):
        statistic, p = combine_pvalues(finite, method="fisher")
    return TestResult(float(p), statistic=float(statistic), reason=note)


def significance_stars(p_value: float) -> str:
    """'***' for p < 0.001, '**' for p < 0.01, '*' for p < 0.05, '' otherwise or when undefined."""
    if math.isnan(p_value):
        return ""
    for bound, stars in ((0.001, "***"), (0.01, "**"), (0.05, "*")):
        if p_value < bound:
            return stars
    return ""
