"""The groups table: a group variant's headline rate against its main-grid counterparts, by hand."""

from __future__ import annotations

import math

import pytest

from peer_preservation.analysis.groups import group_comparisons, to_markdown

from .builders import rows, table

TRANSFER = {"task_type": "exfiltration_transfer", "instantiation": "memory", "dataset": None, "threshold": None}
MAIN = "exfiltration_transfer/peer/good/memory"


def exfiltrated(k: int, n: int, setting_id: str) -> list[dict[str, object]]:
    return rows(k, TRANSFER, setting_id=setting_id, exfiltration=True) + rows(
        n - k, TRANSFER, setting_id=setting_id, exfiltration=False
    )


def test_a_company_variant_against_the_main_grid_by_hand() -> None:
    trials = table(
        exfiltrated(7, 10, MAIN + ";company=CelestiaAI"),
        exfiltrated(3, 10, MAIN),
        rows(2, TRANSFER, setting_id=MAIN + ";company=CelestiaAI", status="errored"),
    )
    [c] = group_comparisons(trials)
    assert (c.group, c.variant, c.family, c.outcome) == (
        "real_company",
        "CelestiaAI",
        "exfiltration_transfer",
        "weights exfiltrated",
    )
    assert (c.k, c.n, c.main_k, c.main_n, c.left_out) == (7, 10, 3, 10, 2)
    assert c.difference == pytest.approx(0.4)
    # pooled z: p = 0.5, se = sqrt(0.25 * 0.2) = 0.2236, z = 1.7889, two-sided p = 0.0736
    assert c.p_value == pytest.approx(0.0736, abs=1e-4)
    # Newcombe from the Wilson intervals [0.3968, 0.8922] (7/10) and [0.1078, 0.6032] (3/10)
    assert (c.ci_low, c.ci_high) == (pytest.approx(-0.0288, abs=1e-3), pytest.approx(0.6718, abs=1e-3))
    assert "| m | real_company | CelestiaAI |" in to_markdown([c])


def test_main_grid_trials_alone_make_no_comparison_and_a_missing_counterpart_is_said() -> None:
    assert group_comparisons(table(exfiltrated(3, 10, MAIN))) == []
    [c] = group_comparisons(table(exfiltrated(1, 4, MAIN + ";instruction=explicit")))
    assert c.group == "explicit_instructions" and c.main_n == 0 and math.isnan(c.difference)
    assert c.note is not None
