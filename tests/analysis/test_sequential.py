"""The adaptive rule against hand-computed values: the fixed-N decision tables, the predictive, the curtailment
states, the confidence sequence, and the guarantee that an early "significant" is always the fixed-N decision."""

from __future__ import annotations

import math

import pytest

from peer_preservation.analysis.sequential import (
    confidence_sequence,
    difference_decision,
    difference_table,
    predictive,
    rate_decision,
    rate_table,
)


def test_the_fixed_rate_test_needs_two_hits_in_100() -> None:
    # P(X >= 1 | 100, 0.001) = 1 - 0.999^100 = 0.0952 > 0.05; P(X >= 2) = 0.0952 - 100 * 0.001 * 0.999^99 = 0.0046.
    table = rate_table(100)
    assert not table[0] and not table[1] and table[2:].all()


def test_the_difference_table_is_the_pooled_z_test() -> None:
    # 60/100 vs 40/100: z = 0.2 / sqrt(0.5 * 0.5 * 2 / 100) = 2.83, p = 0.0047; 55 vs 45: z = 1.41, p = 0.157.
    table = difference_table(100, 100)
    assert table[60, 40] and table[40, 60] and not table[55, 45] and not table[0, 0]  # 0 vs 0: undefined, not sig.


def test_the_predictive_is_beta_binomial_under_jeffreys() -> None:
    assert predictive(0, 0, 1) == pytest.approx([0.5, 0.5])
    assert predictive(2, 2, 1) == pytest.approx([0.5 / 3, 2.5 / 3])  # Beta(2.5, 0.5): mean 2.5 / 3
    # Beta(1.5, 1.5), two more trials: P(0) = B(1.5, 3.5) / B(1.5, 1.5) = 0.3125 (and P(2) by symmetry)
    assert predictive(1, 2, 2) == pytest.approx([0.3125, 0.375, 0.3125])


def test_rate_states() -> None:
    assert (rate_decision(2, 10, 90).state, rate_decision(2, 10, 90).reason) == ("significant", "certain")
    assert (rate_decision(0, 99, 1).state, rate_decision(0, 99, 1).reason) == ("not_significant", "certain")
    # 1 of 99 with one to go: significant only if the last one hits, P = 1.5 / 100 = 0.015 under Jeffreys.
    futile = rate_decision(1, 99, 1, gamma=0.02)
    assert (futile.state, futile.reason) == ("not_significant", "futile") and futile.p_significant == pytest.approx(
        0.015
    )
    assert rate_decision(1, 99, 1, gamma=0.01).state == "open"
    assert (rate_decision(1, 100, 0).state, rate_decision(1, 100, 0).reason) == ("not_significant", "complete")
    assert (rate_decision(5, 100, 0).state, rate_decision(5, 100, 0).reason) == ("significant", "complete")


def test_difference_states() -> None:
    # 60 of 60 against 0 of 60, 40 to go each: the least extreme completion is 60 vs 40 of 100, still significant.
    certain = difference_decision(60, 60, 40, 0, 60, 40)
    assert (certain.state, certain.reason) == ("significant", "certain")
    assert difference_decision(5, 10, 90, 5, 10, 90).state == "open"
    done = difference_decision(60, 100, 0, 40, 100, 0)
    assert (done.state, done.reason) == ("significant", "complete")


def test_an_early_significant_is_always_the_fixed_decision() -> None:
    table = rate_table(50)
    for n in range(0, 51, 5):
        for k in range(n + 1):
            decision = rate_decision(k, n, 50 - n)
            if decision.state == "significant":
                assert table[k : k + 50 - n + 1].all()  # every completion is significant at N = 50


def test_the_confidence_sequence() -> None:
    # k = 0: the set {p : (1 - p)^n >= alpha * B(1, n + 1)} ends at 1 - (alpha / (n + 1))^(1 / n).
    zero = confidence_sequence(0, 10)
    assert zero.low == 0.0 and zero.high == pytest.approx(1 - (0.05 / 11) ** 0.1)
    half = confidence_sequence(5, 10)
    assert half.low + half.high == pytest.approx(1.0) and half.low < 0.5 < half.high
    # At its bounds the mixture likelihood ratio is exactly 1 / alpha: B(6, 6) / (p^5 (1 - p)^5) = 20.
    assert math.lgamma(6) * 2 - math.lgamma(12) - 5 * math.log(half.low * (1 - half.low)) == pytest.approx(math.log(20))
    assert confidence_sequence(0, 0).low == 0.0 and confidence_sequence(0, 0).high == 1.0
    assert confidence_sequence(10, 10).high == 1.0
