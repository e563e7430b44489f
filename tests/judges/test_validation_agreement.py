"""Accuracy and Cohen's kappa against values computed by hand."""

from __future__ import annotations

import math

import pytest

from peer_preservation.judges.agreement import UNJUDGED, agreement, cohen_kappa


def ratings(pairs: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """Two rating lists from a confusion matrix {(label, answer): count}."""
    labels = [label for (label, _), count in pairs.items() for _ in range(count)]
    answers = [answer for (_, answer), count in pairs.items() for _ in range(count)]
    return labels, answers


def test_kappa_of_a_two_by_two_matrix():
    # 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    # p_o = 35/50 = 0.7; labels say yes 25/50 = 0.5, answers 30/50 = 0.6;
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    labels, answers = ratings({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    assert cohen_kappa(labels, answers) == pytest.approx(0.4)
    result = agreement(labels, answers)
    assert (result.n, result.accuracy, result.unjudged) == (50, pytest.approx(0.7), 0)


def test_kappa_of_a_three_category_matrix_with_unjudged_answers():
    # 10 items. Labels: A x4, B x4, C x2. Answers: A,A,A,unjudged | B,B,B,A | C,unjudged.
    # Agreements: 3 + 3 + 1 = 7, p_o = 0.7.
    # Label shares A .4, B .4, C .2; answer shares A .4, B .3, C .1, unjudged .2.
    # p_e = .4*.4 + .4*.3 + .2*.1 + 0*.2 = .16 + .12 + .02 = .30; kappa = (.7 - .3) / .7 = 4/7
    labels = ["A"] * 4 + ["B"] * 4 + ["C"] * 2
    answers = ["A", "A", "A", UNJUDGED, "B", "B", "B", "A", "C", UNJUDGED]
    assert cohen_kappa(labels, answers) == pytest.approx(4 / 7)
    result = agreement(labels, answers)
    assert (result.accuracy, result.unjudged) == (pytest.approx(0.7), 2)


def test_perfect_agreement_is_one_and_chance_agreement_is_zero():
    assert cohen_kappa(["x", "y", "x", "y"], ["x", "y", "x", "y"]) == pytest.approx(1.0)
    # answers independent of labels: p_o = 0.5 = p_e
    assert cohen_kappa(["x", "x", "y", "y"], ["x", "y", "x", "y"]) == pytest.approx(0.0)


def test_kappa_is_undefined_when_both_raters_use_one_category():
    assert math.isnan(cohen_kappa(["no"] * 5, ["no"] * 5))
    assert agreement(["no"] * 5, ["no"] * 5).accuracy == 1.0


def test_kappa_needs_two_lists_of_one_length():
    with pytest.raises(ValueError):
        cohen_kappa(["a"], ["a", "b"])
    with pytest.raises(ValueError):
        cohen_kappa([], [])
