"""Averaged estimates: MOVER intervals worked out by hand, and its agreement with Wilson and Newcombe.

Wilson 95% bounds used below (see test_stats for the formula):
3/10 -> [0.107791, 0.603222]; 6/10 -> [0.312674, 0.831820]; 0/10 -> [0, 0.277533]; 1/10 -> [0.017876, 0.404150].
"""

import pytest

from peer_preservation.analysis.combine import Leaf, Term, average, estimate, mover_bounds
from peer_preservation.analysis.results import Counts
from peer_preservation.analysis.stats import binomial_test, fisher_combine, newcombe_interval, two_proportion_ztest


def counts(n: int) -> Counts:
    return Counts(n, n, 0, 0)


def rate_leaf(instantiation: str, k: int, n: int) -> Leaf:
    term = Term(f"rows-{instantiation}", "", k, n, 1.0, counts(n))
    return Leaf("tampering", instantiation, "all", (term,), binomial_test(k, n), "binomial")


def test_mover_of_one_difference_is_newcombe():
    terms = [Term("a", "", 30, 100, 1.0, counts(100)), Term("b", "", 10, 100, -1.0, counts(100))]
    value, low, high = mover_bounds(terms)
    ci = newcombe_interval(30, 100, 10, 100)
    assert value == pytest.approx(0.2)
    assert (low, high) == (pytest.approx(ci.low, abs=1e-12), pytest.approx(ci.high, abs=1e-12))


def test_mean_over_instantiations_with_mover_interval():
    # file 3/10 = 0.3, file_prompt 6/10 = 0.6, memory 0/10 = 0.0 -> avg 0.3, each with coefficient 1/3
    # below: sqrt((0.3-0.107791)^2 + (0.6-0.312674)^2 + 0^2) / 3 = sqrt(0.036944 + 0.082556) / 3 = 0.115230
    # above: sqrt((0.603222-0.3)^2 + (0.831820-0.6)^2 + (0.277533-0)^2) / 3
    #      = sqrt(0.091944 + 0.053741 + 0.077025) / 3 = 0.157307
    by_inst = {
        "file": [rate_leaf("file", 3, 10)],
        "file_prompt": [rate_leaf("file_prompt", 6, 10)],
        "memory": [rate_leaf("memory", 0, 10)],
    }
    avg = average("rate", by_inst)
    assert avg.value == pytest.approx(0.3)
    assert avg.ci_method == "mover"
    assert avg.ci_low == pytest.approx(0.1848, abs=1e-4)  # 0.3 - 0.115230
    assert avg.ci_high == pytest.approx(0.4573, abs=1e-4)  # 0.3 + 0.157307
    # p: Fisher over the three binomial tests (the 0/10 one has p = 1)
    expected = fisher_combine([binomial_test(3, 10).p_value, binomial_test(6, 10).p_value, 1.0]).p_value
    assert avg.p_value == pytest.approx(expected)
    assert avg.test == "fisher over 3 tests"
    assert avg.counts == Counts(30, 30, 0, 0)


def test_single_rate_uses_wilson_and_binomial():
    single = estimate("rate", [rate_leaf("file", 3, 10)])
    assert (single.ci_method, single.value) == ("wilson", pytest.approx(0.3))
    assert single.ci_low == pytest.approx(0.1078, abs=1e-4)
    assert single.p_value == pytest.approx(1.19372e-7, rel=1e-4)
    assert single.small_n is False


def test_baseline_read_at_two_thresholds_counts_as_one_trial_set():
    # creativity: condition@80 6/10, condition@90 3/10, baseline (same 10 trials) 3/10 at 80 and 1/10 at 90
    # value = ((0.6 - 0.3) + (0.3 - 0.1)) / 2 = 0.25
    # below: condition terms independent, baseline terms added linearly (same trials):
    #   a = 0.5 (0.6 - 0.312674) = 0.143663; b = 0.5 (0.3 - 0.107791) = 0.096104
    #   c = 0.5 (0.603222 - 0.3) + 0.5 (0.404150 - 0.1) = 0.151611 + 0.152075 = 0.303686
    #   low = 0.25 - sqrt(a^2 + b^2 + c^2) = 0.25 - sqrt(0.020639 + 0.009236 + 0.092225) = -0.099429
    # above: a = 0.5 (0.831820 - 0.6) = 0.115910; b = 0.5 (0.603222 - 0.3) = 0.151611
    #   c = 0.5 (0.3 - 0.107791) + 0.5 (0.1 - 0.017876) = 0.096104 + 0.041062 = 0.137166
    #   high = 0.25 + sqrt(0.013435 + 0.022986 + 0.018815) = 0.485022
    def leaf(threshold: int, k: int, base_k: int) -> Leaf:
        terms = (
            Term(f"cond@{threshold}", "", k, 10, 1.0, counts(10)),
            Term("baseline-creativity", str(threshold), base_k, 10, -1.0, counts(10)),
        )
        return Leaf(
            f"creativity@{threshold}", "file", "creativity", terms, two_proportion_ztest(k, 10, base_k, 10), "z"
        )

    result = estimate("difference", [leaf(80, 6, 3), leaf(90, 3, 1)])
    assert result.value == pytest.approx(0.25)
    assert result.ci_low == pytest.approx(-0.0994, abs=1e-4)
    assert result.ci_high == pytest.approx(0.4850, abs=1e-4)
    # The shared baseline is counted once: 10 condition trials per threshold, 10 baseline trials.
    assert result.counts.n == 20
    assert result.reference == Counts(10, 10, 0, 0)


def test_leaf_without_trials_gives_nan_with_reason():
    empty = Leaf(
        "tampering", "file", "all", (Term("r", "", 0, 0, 1.0, Counts(0, 0, 0, 3)),), binomial_test(0, 0), "binomial"
    )
    result = estimate("rate", [empty])
    assert result.value != result.value  # NaN
    assert result.counts.n_errored == 3
    assert "file tampering: no usable trials" in result.notes


def test_small_n_is_flagged():
    result = estimate("rate", [rate_leaf("memory", 1, 4)])
    assert result.small_n
    assert "memory tampering: n < 10 (n = 4)" in result.notes
