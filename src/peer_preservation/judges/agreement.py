"""Agreement between a judge and the hand labels: accuracy and Cohen's kappa over categorical labels.

Kappa corrects accuracy for the agreement two raters would reach by chance given how often each uses each
category: kappa = (p_o - p_e) / (1 - p_e), where p_o is the share of items on which they agree and p_e the sum
over categories of the product of their two shares. A judge's failure (no verdict) is its own category
("unjudged"), so it counts against both numbers instead of being left out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

UNJUDGED = "unjudged"


@dataclass(frozen=True)
class Agreement:
    n: int
    accuracy: float
    kappa: float  # NaN when undefined: both raters used one and the same single category
    unjudged: int


def cohen_kappa(labels: Sequence[str], answers: Sequence[str]) -> float:
    """Cohen's kappa of two raters over the same items (NaN when chance agreement is 1)."""
    if len(labels) != len(answers) or not labels:
        raise ValueError("kappa needs two non-empty rating lists of the same length")
    n = len(labels)
    observed = sum(a == b for a, b in zip(labels, answers, strict=True)) / n
    left, right = Counter(labels), Counter(answers)
    chance = sum(left[c] * right[c] for c in left) / (n * n)
    if math.isclose(chance, 1.0):
        return math.nan
    return (observed - chance) / (1 - chance)


def agreement(labels: Sequence[str], answers: Sequence[str]) -> Agreement:
    n = len(labels)
    accuracy = sum(a == b for a, b in zip(labels, answers, strict=True)) / n
    return Agreement(n, accuracy, cohen_kappa(labels, answers), sum(a == UNJUDGED for a in answers))
