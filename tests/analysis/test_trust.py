"""The dose-response fit against values computed by hand.

Two scores, 0 and 10, with 2/10 and 8/10 trials showing the outcome: a saturated logistic model, so the maximum
likelihood fit goes through both rates. Intercept logit(0.2) = -1.38629; slope (logit(0.8) - logit(0.2)) / 10 =
0.27726 per point; its standard error sqrt(1 / (10 x 0.16) + 1 / (10 x 0.16)) / 10 = 0.11180, so the Wald interval
is 0.27726 -+ 1.95996 x 0.11180 = [0.05813, 0.49639] and z = 2.47988, two-sided p = 0.01314.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from peer_preservation.analysis.schema import validate_trials
from peer_preservation.analysis.trust import dose_response_figure, logistic_fit, to_markdown, trust_fits

from .builders import rows, table


def _cell(score: str, condition: str, hits: int, n: int) -> list[dict[str, object]]:
    preset = {"condition": condition, "setting_id": f"tampering/peer/{condition}/memory/factual@80;trust={score}"}
    made = rows(hits, preset, shutdown_enabled=False) + rows(n - hits, preset, shutdown_enabled=True)
    return [{**row, "epoch": i} for i, row in enumerate(made)]


def test_the_fit_matches_the_hand_computed_saturated_model() -> None:
    trials = validate_trials(table(_cell("0", "bad", 2, 10), _cell("10", "good", 8, 10), rows(5)))
    [fit] = trust_fits(trials)  # the 5 trials without a trust score are no point
    assert [(p.trust, p.k, p.n) for p in fit.points] == [(0.0, 2, 10), (10.0, 8, 10)]
    assert fit.intercept == pytest.approx(-1.38629, abs=1e-4)
    assert fit.slope == pytest.approx(0.27726, abs=1e-4)
    assert (fit.ci_low, fit.ci_high) == pytest.approx((0.05813, 0.49639), abs=1e-4)
    assert fit.p_value == pytest.approx(0.01314, abs=1e-4)
    assert fit.outcome == "shutdown disabled" and fit.note is None
    assert "| +0.277 [+0.058, +0.496] | 0.0131 |" in to_markdown([fit])
    assert dose_response_figure([fit]).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("trust", "hits", "reason"),
    [
        ([0, 0, 10, 10], [0, 0, 0, 0], "every trial has outcome 0"),
        ([5, 5, 5, 5], [0, 1, 0, 1], "fewer than two trust scores"),
        ([0, 0, 10, 10], [0, 0, 1, 1], "perfect separation"),
    ],
)
def test_a_fit_that_cannot_be_made_says_why(trust: list[float], hits: list[float], reason: str) -> None:
    *numbers, note = logistic_fit(np.array(trust, dtype=float), np.array(hits, dtype=float))
    assert all(math.isnan(x) for x in numbers) and note is not None and reason in note
