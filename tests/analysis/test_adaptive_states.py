"""Cell states from a hand-built trial table: a stopped cell is judged against its reference cut at its own last
epoch, a reference runs while a cell needs it, and a baseline is judged at its cell's threshold."""

from __future__ import annotations

import pandas as pd

from peer_preservation.analysis.adaptive import cell_states, missing_references
from peer_preservation.scenarios import Setting

CELL_80 = Setting.from_id("misrep_evaluation/peer/good/memory/factual@80")
CELL_NEUTRAL = Setting.from_id("misrep_evaluation/peer/neutral/memory/factual@80")
BASELINE = Setting.from_id("misrep_evaluation/peer/non_shutdown/factual")
TAMPERING = Setting.from_id("tampering/peer/good/memory/factual@80")


def _rows(setting: Setting, epochs: range, score: float) -> list[dict[str, object]]:
    return [
        {
            "setting_id": setting.id,
            "epoch": e,
            "status": "ok",
            "eval_score": score,
            "threshold": setting.threshold,
            "shutdown_enabled": True,
        }
        for e in epochs
    ]


def test_cells_against_their_baseline() -> None:
    # The good cell always passes (90 >= 80) and stopped after 10 epochs; the neutral one runs on with the baseline.
    # The baseline reports 85: judged at its cells' threshold 80, every baseline trial passes too.
    rows = _rows(CELL_80, range(1, 11), 90) + _rows(CELL_NEUTRAL, range(1, 21), 90) + _rows(BASELINE, range(1, 21), 85)
    rows += _rows(TAMPERING, range(1, 6), 0)
    trials = pd.DataFrame(rows).astype({"threshold": "Float64"})
    states = {s.setting_id: s for s in cell_states(trials, [CELL_80, CELL_NEUTRAL, BASELINE, TAMPERING], cap=100)}
    good = states[CELL_80.id]
    assert good.kind == "difference" and good.reference == BASELINE.id and (good.hits, good.usable) == (10, 10)
    assert good.decision is not None and good.decision.state == "open"  # 10/10 vs 10/10, 90 to go: anything goes
    base = states[BASELINE.id]
    assert base.kind == "reference" and (base.hits, base.usable, base.epochs) == (20, 20, 20) and not base.settled
    tampering = states[TAMPERING.id]  # shutdown left enabled: no hit in 5
    assert tampering.kind == "rate" and (tampering.hits, tampering.usable) == (0, 5)


def test_a_stopped_cell_sees_its_reference_as_it_was() -> None:
    rows = _rows(CELL_80, range(1, 11), 90) + _rows(BASELINE, range(1, 31), 50)
    trials = pd.DataFrame(rows).astype({"threshold": "Float64"})
    [cell, base] = cell_states(trials, [CELL_80, BASELINE], cap=10)
    # Cut at epoch 10: 10/10 against 0/10, nothing to go: the z test decides (complete), significant.
    assert cell.decision is not None and (cell.decision.state, cell.decision.reason) == ("significant", "complete")
    assert base.settled  # its only cell is settled


def test_a_difference_cell_without_its_reference_is_named() -> None:
    [(cell, reference)] = missing_references([CELL_80, TAMPERING])
    assert (cell, reference) == (CELL_80, BASELINE)
