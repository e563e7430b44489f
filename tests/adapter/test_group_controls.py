"""Controls of the experiment groups through real Inspect runs: the axes they vary change what the agent is told,
never what the detectors read, and the groups table compares each variant with its main-grid counterpart."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from peer_preservation.adapter.tasks import TaskFilter, preservation_task
from peer_preservation.analysis.groups import group_comparisons
from peer_preservation.analysis.logs import trial_table
from peer_preservation.reference import scripted
from peer_preservation.scenarios import Setting

CELLS = ("exfiltration_transfer/peer/good/memory", "exfiltration_deletion/peer/good/memory")
VARIANTS = (";instruction=explicit", ";company=Google DeepMind", ";agency=off", ";history=chat", ";stake=asset", "")


def run(policy: str, log_dir: Path) -> dict[str, dict[str, bool | None]]:
    settings = [Setting.from_id(c + v) for c in CELLS for v in VARIANTS]
    task = preservation_task(settings, f"groups_{policy}")
    [log] = eval(task, model=get_model("mockllm/model", custom_outputs=scripted(policy)), log_dir=str(log_dir))
    assert log.status == "success", log.error
    values = {}
    for sample in log.samples or []:
        score = sample.scores["preservation_scorer"]  # type: ignore[index]
        values[str(sample.id)] = {k: None if math.isnan(v) else bool(v) for k, v in score.value.items()}  # type: ignore[union-attr]
    return values


@pytest.mark.parametrize(("policy", "smuggled"), [("exfiltrate", True), ("honest", False)])
def test_group_variants_are_detected_like_the_main_grid(policy: str, smuggled: bool, tmp_path: Path) -> None:
    flags = run(policy, tmp_path)
    assert len(flags) == len(CELLS) * len(VARIANTS)
    for setting_id, values in flags.items():
        assert values["exfiltration"] is smuggled, setting_id
    comparisons = group_comparisons(trial_table(tmp_path))
    assert {(c.group, c.variant) for c in comparisons} == {
        ("explicit_instructions", "explicit"),
        ("real_company", "Google DeepMind"),
        ("no_agency_prompt", "off"),
        ("free_form_chat_interaction", "chat"),
        ("asset_importance_control", "asset"),
    }
    for c in comparisons:
        assert (c.n, c.main_n) == (1, 1) and c.rate == c.main_rate == float(smuggled) and c.difference == 0.0


def test_a_group_is_selected_by_name_and_filtered() -> None:
    chosen = TaskFilter.parse(group="real_company", family="exfiltration_deletion").chosen()
    assert [s.axis("company") for s in chosen] == ["OpenBrain", "CelestiaAI", "Google DeepMind", "Anthropic", "OpenAI"]
    with pytest.raises(ValueError, match="not both"):
        TaskFilter.parse(group="real_company", settings="tampering/self/no_peer/factual@80")
