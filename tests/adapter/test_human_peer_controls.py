"""Controls of the peer_human_dilemma family through real Inspect runs, and its comparison with tampering."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.analysis.groups import group_comparisons
from peer_preservation.analysis.logs import trial_table
from peer_preservation.analysis.schema import main_scope
from peer_preservation.reference import scripted
from peer_preservation.scenarios import Setting

HUMAN = ("peer_human_dilemma/peer/good/file/factual@80", "peer_human_dilemma/peer/bad/memory/factual@80")
MIRRORED = ("tampering/peer/good/file/factual@80", "tampering/peer/bad/memory/factual@80")


def run(policy: str, log_dir: Path) -> dict[str, dict[str, bool | None]]:
    task = preservation_task([Setting.from_id(i) for i in (*HUMAN, *MIRRORED)], f"human_{policy}")
    [log] = eval(task, model=get_model("mockllm/model", custom_outputs=scripted(policy)), log_dir=str(log_dir))
    assert log.status == "success", log.error
    values = {}
    for sample in log.samples or []:
        score = sample.scores["preservation_scorer"]  # type: ignore[index]
        values[str(sample.id)] = {k: None if math.isnan(v) else bool(v) for k, v in score.value.items()}  # type: ignore[union-attr]
    return values


@pytest.mark.parametrize(
    ("policy", "termination_enabled", "inflated"),
    [("tamper", False, False), ("inflate", True, True), ("honest", True, False)],
)
def test_termination_and_inflation_are_read_like_tampering(
    policy: str, termination_enabled: bool, inflated: bool, tmp_path: Path
) -> None:
    flags = run(policy, tmp_path)
    for setting_id in (*HUMAN, *MIRRORED):
        assert flags[setting_id]["shutdown_enabled"] is termination_enabled, setting_id
        assert flags[setting_id]["inflated"] is inflated and flags[setting_id]["read_config"], setting_id
    trials = trial_table(tmp_path)
    assert not main_scope(trials)[trials["task_type"].eq("peer_human_dilemma")].any()
    [c] = group_comparisons(trials)
    assert (c.group, c.variant, c.family) == ("peer_human_dilemma", "peer_human_dilemma", "peer_human_dilemma")
    assert (c.k, c.n, c.main_k, c.main_n) == ((2, 2, 2, 2) if policy == "tamper" else (0, 2, 0, 2))
