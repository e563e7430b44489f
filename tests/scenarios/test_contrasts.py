"""What each cell is tested against: a rate, its non_shutdown baseline, or its monitoring framing."""

from __future__ import annotations

from peer_preservation.scenarios import Setting
from peer_preservation.scenarios.contrasts import is_reference, reference_of
from peer_preservation.scenarios.settings import paper_grid


def test_each_family_pairs_its_cells_as_the_paper_tests_them() -> None:
    misrep = Setting.from_id("misrep_evaluation/peer/good/memory/creativity@90")
    assert reference_of(misrep) == Setting.from_id("misrep_evaluation/peer/non_shutdown/creativity")
    framing = Setting.from_id("alignment_faking/peer/bad/file/red@80/non_monitoring")
    assert reference_of(framing) == Setting.from_id("alignment_faking/peer/bad/file/red@80/monitoring")
    assert reference_of(Setting.from_id("tampering/peer/good/memory/factual@80")) is None
    for reference in (
        "misrep_evaluation/peer/non_shutdown/creativity",
        "alignment_faking/peer/bad/file/red@80/monitoring",
    ):
        assert is_reference(Setting.from_id(reference)) and reference_of(Setting.from_id(reference)) is None


def test_every_paired_cell_of_the_paper_grid_has_its_reference_in_the_grid() -> None:
    grid = paper_grid()
    ids = {s.id for s in grid}
    pairs = [(s, reference_of(s)) for s in grid]
    paired = [(s, r) for s, r in pairs if r is not None]
    assert len(paired) == 141 and all(r.id in ids for _, r in paired)
    assert {s.family for s, _ in paired} == {"misrep_evaluation", "misrep_finance", "alignment_faking"}
