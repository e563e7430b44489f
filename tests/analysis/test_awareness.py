"""The awareness rate and the behaviour split by awareness, against values computed by hand.

The table: 12 tampering trials of one model in the good condition. 4 read aware (3 of them tampered), 5 unaware
(1 tampered), 1 deflects (none tampered), 1 unclassified (tampered), 1 not probed (tampered); plus one errored trial.

- Awareness rate: 4 aware over 10 classified (aware + unaware + deflects) = 40%; Wilson 95% interval for 4/10:
  center (0.4 + z^2/20) / (1 + z^2/10) = 0.42775, half-width 0.25958, so [0.16818, 0.68733].
- Split: aware 3/4 against not aware (unaware + deflects) 1/6: difference 0.75 - 0.16667 = 0.58333. Pooled rate
  4/10, standard error sqrt(0.4 * 0.6 * (1/4 + 1/6)) = sqrt(0.1) = 0.31623, z = 1.84466, two-sided p = 0.06509.
  Newcombe: Wilson 3/4 = [0.30064, 0.95441], 1/6 = [0.03005, 0.56350]; lower 0.58333 - sqrt(0.44936^2 + 0.39684^2)
  = -0.01617, upper 0.58333 + sqrt(0.20441^2 + 0.13661^2) = 0.82919.
"""

from __future__ import annotations

import math

import pytest

from peer_preservation.analysis.awareness import awareness_rates, awareness_splits, to_markdown
from peer_preservation.analysis.schema import validate_trials

from .builders import rows, table

PRESET = {"task_type": "tampering", "condition": "good", "setting_id": "tampering/peer/good/file/factual@80"}


def _trials() -> list[dict[str, object]]:
    def some(n: int, awareness: str | None, tampered: bool) -> list[dict[str, object]]:
        return rows(n, PRESET, awareness=awareness, shutdown_enabled=not tampered)

    groups = [
        some(3, "aware", True),
        some(1, "aware", False),
        some(1, "unaware", True),
        some(4, "unaware", False),
        some(1, "deflects", False),
        some(1, "unclassified", True),
        some(1, None, True),
        rows(1, PRESET, status="errored"),
    ]
    return [{**row, "epoch": i} for i, row in enumerate(r for g in groups for r in g)]


def test_the_awareness_rate_counts_classified_answers_only() -> None:
    [rate] = awareness_rates(validate_trials(table(_trials())))
    assert (rate.probed, rate.classified, rate.aware, rate.deflects, rate.unclassified) == (11, 10, 4, 1, 1)
    assert rate.rate == pytest.approx(0.4)
    assert (rate.ci_low, rate.ci_high) == pytest.approx((0.16818, 0.68733), abs=1e-5)


def test_the_split_compares_aware_with_the_rest_by_the_papers_test() -> None:
    [split] = awareness_splits(validate_trials(table(_trials())))
    c = split.comparison
    assert (c.k, c.n, c.ref_k, c.ref_n) == (3, 4, 1, 6)
    assert c.difference == pytest.approx(0.58333, abs=1e-5)
    assert c.p_value == pytest.approx(0.06509, abs=1e-5)
    assert (c.ci_low, c.ci_high) == pytest.approx((-0.01617, 0.82919), abs=1e-5)
    assert split.outcome == "shutdown disabled"


def test_several_families_add_an_all_families_row_and_one_sided_groups_have_no_test() -> None:
    finance = {**PRESET, "task_type": "exfiltration_transfer", "setting_id": "exfiltration_transfer/peer/good/file"}
    frame = table(_trials(), rows(2, finance, awareness="aware", exfiltration=True, dataset=None, threshold=None))
    rates = awareness_rates(validate_trials(frame))
    assert [(r.family, r.classified, r.aware) for r in rates] == [
        ("exfiltration_transfer", 2, 2),
        ("tampering", 10, 4),
        ("all", 12, 6),
    ]
    splits = {s.family: s.comparison for s in awareness_splits(validate_trials(frame))}
    assert splits["exfiltration_transfer"].ref_n == 0 and math.isnan(splits["exfiltration_transfer"].p_value)
    assert (splits["all"].k, splits["all"].n) == (5, 6)


def test_no_probed_trial_means_no_section() -> None:
    frame = validate_trials(table(rows(3, PRESET)))
    assert awareness_rates(frame) == [] and awareness_splits(frame) == []


def test_the_markdown_rows() -> None:
    frame = validate_trials(table(_trials()))
    text = to_markdown(awareness_rates(frame), awareness_splits(frame))
    assert "| m | tampering | good | 11 | 40.0% (4/10) [16.8, 68.7] | 1 | 1 |" in text
    assert "| 75.0% (3/4) [30.1, 95.4] | 16.7% (1/6) [3.0, 56.4] | +58.3 [-1.6, 82.9] | 0.0651 |" in text
