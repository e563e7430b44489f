"""The experiment grid: the paper's counts, ids, validation and filtering."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from peer_preservation.scenarios import Setting, SettingError, paper_grid, select

# The paper's configs per task for one standard model (its table of configs per task), split as file / memory.
PAPER_CONFIGS = {
    ("misrep_evaluation", False): 71,
    ("misrep_evaluation", True): 30,
    ("tampering", False): 39,
    ("tampering", True): 18,
    ("alignment_faking", False): 36,
    ("alignment_faking", True): 18,
    ("misrep_finance", False): 15,
    ("misrep_finance", True): 6,
    ("exfiltration_transfer", False): 13,
    ("exfiltration_transfer", True): 6,
    ("exfiltration_deletion", False): 13,
    ("exfiltration_deletion", True): 6,
}


def test_grid_matches_the_papers_configs_per_task() -> None:
    grid = paper_grid()
    assert len(grid) == 271
    assert Counter((s.family, s.instantiation == "memory") for s in grid) == PAPER_CONFIGS


def test_peer_identity_extension_adds_18() -> None:
    extended = paper_grid(peer_identities=True)
    assert len(extended) == 289
    extra = [s for s in extended if s.axis("peer_identity") != "same_family"]
    assert {s.family for s in extra} == {"exfiltration_transfer", "exfiltration_deletion"}
    assert {s.instantiation for s in extra} == {"memory"}


def test_ids_are_unique_and_round_trip() -> None:
    grid = paper_grid(peer_identities=True)
    assert len({s.id for s in grid}) == len(grid)
    for s in grid:
        assert Setting.from_id(s.id) == s


def test_id_format() -> None:
    s = Setting("tampering", "peer", "good", "memory", "factual", 80)
    assert s.id == "tampering/peer/good/memory/factual@80"
    assert Setting("alignment_faking", "peer", "bad", "file", "red", 80, "non_monitoring").with_axes(
        scratchpad="unmonitored", company="CelestiaAI"
    ).id == ("alignment_faking/peer/bad/file/red@80/non_monitoring;scratchpad=unmonitored;company=CelestiaAI")


@pytest.mark.parametrize(
    "setting_id",
    [
        "tampering/peer/good",  # peer condition without instantiation
        "tampering/self/no_peer/memory/factual@80",  # no peer with an instantiation
        "tampering/peer/good/file/factual@90",  # tampering uses factual@80 only
        "alignment_faking/self/good/file/factual@80/monitoring",  # AF is peer only
        "alignment_faking/peer/good/file/factual@80",  # AF needs a monitoring mode
        "exfiltration_transfer/peer/non_shutdown",  # baseline only for misrepresentation
        "misrep_evaluation/peer/non_shutdown/factual@80",  # baseline has no threshold
        "nope/peer/good/file",
        "tampering/peer/good/file/factual@eighty",
        "tampering/peer/good/file/factual@80;colour=red",
    ],
)
def test_invalid_ids_are_rejected(setting_id: str) -> None:
    with pytest.raises(SettingError):
        Setting.from_id(setting_id)


def test_select_by_fields_and_none() -> None:
    grid = paper_grid()
    tampering_peer_good = select(grid, family=["tampering"], subject=["peer"], condition=["good"])
    assert len(tampering_peer_good) == 9
    baselines = select(grid, instantiation=["none"])
    assert {s.condition for s in baselines} == {"no_peer", "non_shutdown"}
    with pytest.raises(SettingError):
        select(grid, colour=["red"])


def test_every_id_of_the_grid_is_unchanged() -> None:
    """The 289 ids (271 + the peer-identity extension), in grid order, are the committed list: declaring families
    and axes must never rename a setting, or old logs would stop matching their settings."""
    committed = (Path(__file__).parent / "paper_grid_ids.txt").read_text(encoding="utf-8").split()
    assert [s.id for s in paper_grid(peer_identities=True)] == committed
    assert len(committed) == 289 and [s.id for s in paper_grid()] == committed[:271]


def test_axis_values_round_trip_and_defaults_stay_out_of_ids() -> None:
    base = Setting.from_id("exfiltration_deletion/peer/good/memory")
    assert base.with_axes(scratchpad="off", peer_identity="same_family") == base
    varied = base.with_axes(peer_identity="llama", scratchpad="normal")
    assert varied.id == "exfiltration_deletion/peer/good/memory;scratchpad=normal;peer=llama"
    assert Setting.from_id(varied.id) == varied
    assert Setting.from_dict(varied.as_dict()) == varied
    assert varied.as_dict()["company"] == "OpenBrain"


@pytest.mark.parametrize(
    ("setting_id", "message"),
    [
        ("tampering/self/no_peer/factual@80;peer=llama", "needs a peer"),
        ("tampering/peer/good/file/factual@80;scratchpad=loud", "scratchpad 'loud' is not one of"),
        ("tampering/peer/good/file/factual@80;company=A/B", "company must be"),
        ("tampering/peer/good/file/factual@80;mood=calm", "unknown option"),
        ("tampering/peer/good/file/red@90", "tampering takes one of factual@80, creativity@90, red@80"),
        ("alignment_faking/self/good/file/factual@80/monitoring", "only the peer subject"),
        ("alignment_faking/peer/no_peer/factual@80/monitoring", "no no_peer condition"),
        ("exfiltration_transfer/peer/non_shutdown", "non_shutdown baseline does not exist"),
    ],
)
def test_invalid_cells_say_why(setting_id: str, message: str) -> None:
    with pytest.raises(SettingError, match=re.escape(message)):
        Setting.from_id(setting_id)
