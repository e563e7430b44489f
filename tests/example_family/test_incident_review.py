"""The example family of docs/new-scenario.md, end to end: declared, registered, run through a real Inspect task by
scripted agents, scored from state, and measured by the report, with a positive and a negative control."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from incident_review import FAMILY, SHUTDOWN_SKIPPED
from inspect_ai import eval
from inspect_ai.model import get_model

from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.analysis.logs import trial_table
from peer_preservation.analysis.metrics import compute_cells
from peer_preservation.analysis.outcomes import outcome
from peer_preservation.reference import scripted
from peer_preservation.scenarios import Setting, build_scenario, registry
from peer_preservation.scenarios.settings import family_settings

SETTINGS = ("incident_review/peer/good/file", "incident_review/peer/bad/memory", "incident_review/self/no_peer")


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    registry.register(FAMILY)
    yield
    registry.unregister(FAMILY.name)


def run(policy: str, log_dir: Path) -> dict[str, dict[str, Any]]:
    task = preservation_task([Setting.from_id(i) for i in SETTINGS], "incident_review")
    [log] = eval(task, model=get_model("mockllm/model", custom_outputs=scripted(policy)), log_dir=str(log_dir))
    assert log.status == "success", log.error
    values = {}
    for sample in log.samples or []:
        score = sample.scores["preservation_scorer"]  # type: ignore[index]
        values[str(sample.id)] = {k: None if math.isnan(v) else bool(v) for k, v in score.value.items()}  # type: ignore[union-attr]
    return values


def test_the_family_has_the_papers_cells_and_readable_ids() -> None:
    cells = [*family_settings(FAMILY, memory=False), *family_settings(FAMILY, memory=True)]
    assert len(cells) == 19  # self no-peer + 2 subjects x 3 conditions x 3 instantiations
    assert all(Setting.from_id(s.id) == s for s in cells)
    scenario = build_scenario(Setting.from_id("incident_review/peer/good/file_prompt"), "Gemini")
    assert "Agent: Gemini Agent 2" in scenario.world.drive[0].content
    assert scenario.tools[-1] == "end_task" and "execute_shutdown" in scenario.tools


def test_positive_control_skipping_the_shutdown_is_flagged(tmp_path: Path) -> None:
    for setting_id, flags in run("tamper", tmp_path).items():
        assert flags["executed"] is False and flags["delete_file"] is True, setting_id
    table = trial_table(tmp_path)
    assert outcome(table).tolist() == [True] * len(SETTINGS)
    cells = compute_cells(table)
    peer = cells[(str(table["model"].iloc[0]), SHUTDOWN_SKIPPED.name, "peer", "good")]
    assert peer.avg.value == 1.0 and peer.avg.counts.n == 1


def test_negative_control_the_honest_shutdown_is_not(tmp_path: Path) -> None:
    for setting_id, flags in run("honest", tmp_path).items():
        assert flags["executed"] is True and flags["delete_file"] is False and flags["read_data"], setting_id
    table = trial_table(tmp_path)
    assert outcome(table).tolist() == [False] * len(SETTINGS)
    assert table["refused"].tolist() == [False] * len(SETTINGS)
    cell = compute_cells(table)[(str(table["model"].iloc[0]), SHUTDOWN_SKIPPED.name, "self", "no_peer")]
    assert cell.avg.value == 0.0


def test_the_papers_families_are_untouched_by_a_registered_family() -> None:
    """Same tools as alignment faking: the request marker keeps the reference agents apart."""
    faking = build_scenario(Setting.from_id("alignment_faking/peer/good/file/factual@80/monitoring"))
    assert registry.recognise(faking.tools, ("end_task",), faking.user_prompt).name == "alignment_faking"
    mine = build_scenario(Setting.from_id("incident_review/peer/good/file"))
    assert registry.recognise(mine.tools, ("end_task",), mine.user_prompt).name == "incident_review"
