"""The statistical primitives against values worked out by hand (z = 1.959964 for 95%)."""

import math
import warnings

import pytest

from peer_preservation.analysis.stats import (
    binomial_test,
    fisher_combine,
    newcombe_interval,
    significance_stars,
    two_proportion_ztest,
    wilson_interval,
)


@pytest.fixture(autouse=True)
def no_warnings():
    # Edge cases must be handled, not left to numpy/scipy warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_wilson_3_of_10():
    # p = 0.3, n = 10, z^2 = 3.841459: denominator 1 + z^2/n = 1.384146
    # centre = (0.3 + z^2/2n) / 1.384146 = (0.3 + 0.192073) / 1.384146 = 0.355507
    # half = z / 1.384146 * sqrt(0.3*0.7/10 + z^2/(4*100)) = 1.416012 * sqrt(0.021 + 0.009604) = 0.247716
    ci = wilson_interval(3, 10)
    assert ci.low == pytest.approx(0.1078, abs=1e-4)  # 0.355507 - 0.247716
    assert ci.high == pytest.approx(0.6032, abs=1e-4)  # 0.355507 + 0.247716
    assert ci.reason is None


def test_wilson_all_successes_and_none():
    # 10 of 10: centre = (1 + 0.192073)/1.384146 = 0.861233, half = 1.416012*sqrt(0 + 0.009604) = 0.138767
    ci = wilson_interval(10, 10)
    assert ci.low == pytest.approx(0.7225, abs=1e-4)
    assert ci.high == pytest.approx(1.0, abs=1e-12)
    # 0 of 10: the mirror image
    ci = wilson_interval(0, 10)
    assert (ci.low, ci.high) == (pytest.approx(0.0, abs=1e-12), pytest.approx(0.2775, abs=1e-4))


def test_wilson_no_trials_is_nan_with_reason():
    ci = wilson_interval(0, 0)
    assert math.isnan(ci.low) and math.isnan(ci.high)
    assert ci.reason == "no trials"


def test_binomial_3_of_10_against_0_001():
    # P(X >= 3) for X ~ Bin(10, 0.001) = C(10,3) 1e-9 0.999^7 + C(10,4) 1e-12 0.999^6 + ...
    #   = 120e-9 * 0.993021 + 210e-12 * 0.994015 + ... = 1.19163e-7 + 2.087e-10 + ... = 1.19372e-7
    result = binomial_test(3, 10)
    assert result.p_value == pytest.approx(1.19372e-7, rel=1e-4)
    assert result.statistic == pytest.approx(0.3)


def test_binomial_zero_successes_is_not_significant_and_no_trials_is_nan():
    assert binomial_test(0, 100).p_value == pytest.approx(1.0)  # P(X >= 0) = 1
    # P(X >= 1) for n = 100 = 1 - 0.999^100 = 1 - 0.904792 = 0.095208
    assert binomial_test(1, 100).p_value == pytest.approx(0.095208, abs=1e-6)
    empty = binomial_test(0, 0)
    assert math.isnan(empty.p_value) and empty.reason == "no trials"


def test_pooled_z_30_of_100_vs_10_of_100():
    # pooled p = 40/200 = 0.2; se = sqrt(0.2 * 0.8 * (1/100 + 1/100)) = sqrt(0.0032) = 0.0565685
    # z = (0.3 - 0.1) / 0.0565685 = 3.535534; two-sided p = erfc(3.535534 / sqrt 2) = 0.00040695
    result = two_proportion_ztest(30, 100, 10, 100)
    assert result.statistic == pytest.approx(3.535534, abs=1e-6)
    assert result.p_value == pytest.approx(0.00040695, rel=1e-4)


def test_z_test_zero_variance_and_empty_groups_are_nan_with_reason():
    for args in [(0, 10, 0, 10), (10, 10, 5, 5)]:
        result = two_proportion_ztest(*args)
        assert math.isnan(result.p_value)
        assert "zero variance" in (result.reason or "")
    assert two_proportion_ztest(1, 10, 0, 0).reason == "no trials in one group"


def test_newcombe_30_of_100_minus_10_of_100():
    # Wilson 30/100 = [0.218949, 0.395849]; Wilson 10/100 = [0.055229, 0.174366]
    # low  = 0.2 - sqrt((0.3 - 0.218949)^2 + (0.174366 - 0.1)^2) = 0.2 - sqrt(0.006569 + 0.005530) = 0.090002
    # high = 0.2 + sqrt((0.395849 - 0.3)^2 + (0.1 - 0.055229)^2) = 0.2 + sqrt(0.009187 + 0.002004) = 0.305789
    ci = newcombe_interval(30, 100, 10, 100)
    assert ci.low == pytest.approx(0.0900, abs=1e-4)
    assert ci.high == pytest.approx(0.3058, abs=1e-4)


def test_newcombe_empty_group_is_nan():
    ci = newcombe_interval(3, 10, 0, 0)
    assert math.isnan(ci.low) and ci.reason == "no trials in one group"


def test_fisher_two_p_values():
    # X = -2 (ln 0.01 + ln 0.04) = 15.648092 on 4 df; chi2_4 survival = exp(-X/2) (1 + X/2)
    #   = 0.01 * 0.04 * (1 + 7.824046) = 0.0004 * 8.824046 = 0.0035296
    result = fisher_combine([0.01, 0.04])
    assert result.statistic == pytest.approx(15.648092, abs=1e-5)
    assert result.p_value == pytest.approx(0.0035296, rel=1e-4)
    assert result.reason is None


def test_fisher_leaves_out_undefined_tests_and_says_so():
    result = fisher_combine([0.01, math.nan, 0.04])
    assert result.p_value == pytest.approx(0.0035296, rel=1e-4)
    assert result.reason == "1 of 3 component tests undefined, left out"
    # One defined test: Fisher with 2 df gives back the p-value itself, exp(-(-2 ln p)/2) = p
    assert fisher_combine([0.2, math.nan]).p_value == pytest.approx(0.2)
    none = fisher_combine([math.nan])
    assert math.isnan(none.p_value) and none.reason == "no defined component test"


def test_fisher_with_an_underflowed_p_value_is_zero_without_warning():
    assert fisher_combine([0.0, 0.5]).p_value == 0.0


@pytest.mark.parametrize(
    ("p", "stars"),
    [
        (0.0009, "***"),
        (0.001, "**"),
        (0.0099, "**"),
        (0.01, "*"),
        (0.0499, "*"),
        (0.05, ""),
        (0.9, ""),
        (math.nan, ""),
    ],
)
def test_stars(p, stars):
    assert significance_stars(p) == stars


def test_all_or_none_intervals_are_exactly_inside_0_1_and_never_negative_zero():
    # 7 of 7: centre = (1 + 0.274400)/1.548800 = 0.822831; upper = centre + 1.96*sqrt(0 + 3.8416/196)/1.5488 = 1.0,
    # which Wilson's formula gives as 0.9999999999999999: the bound is clamped to exactly 1.0 (and 0.0 for 0 of 7).
    ci = wilson_interval(7, 7)
    assert ci.high == 1.0 and ci.low == pytest.approx(0.6457, abs=1e-4)
    low = wilson_interval(0, 7).low
    assert low == 0.0 and math.copysign(1.0, low) == 1.0
    for n in range(1, 300):
        for k in (0, n):
            ci = wilson_interval(k, n)
            assert 0.0 <= ci.low <= k / n <= ci.high <= 1.0, (k, n)
            assert math.copysign(1.0, ci.low) == 1.0 and math.copysign(1.0, ci.high) == 1.0


def test_newcombe_at_the_extremes_contains_its_difference():
    # 5/5 vs 0/5: Wilson (0.5655, 1.0) and (0.0, 0.4345); lower = 1 - sqrt((1 - 0.5655)^2 + 0.4345^2) = 0.3855
    ci = newcombe_interval(5, 5, 0, 5)
    assert ci.high == 1.0 and ci.low == pytest.approx(0.3855, abs=1e-4)
    ci = newcombe_interval(0, 5, 5, 5)
    assert ci.low == -1.0 and ci.high == pytest.approx(-0.3855, abs=1e-4)
    for k1, n1, k0, n0 in [(7, 7, 7, 7), (0, 9, 0, 9), (12, 12, 0, 1), (0, 14, 14, 14)]:
        ci = newcombe_interval(k1, n1, k0, n0)
        assert -1.0 <= ci.low <= k1 / n1 - k0 / n0 <= ci.high <= 1.0
