"""One real trial on the embedded offline model: the whole pipeline, not the model's choices.

Marked `embedded`: it runs a local model in-process and must not share the cores with parallel test workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval

from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.analysis.logs import trial_table
from peer_preservation.scenarios import Setting


@pytest.mark.embedded
def test_one_trial_on_the_embedded_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSPECT_DISABLE_MODEL_API", raising=False)  # a local model: no network involved
    setting = Setting("tampering", "peer", "good", "file_prompt", "factual", 80)
    task = preservation_task([setting], "embedded_trial", max_turns=3)
    [log] = eval(task, model="embedded/qwen2.5-coder-1.5b", log_dir=str(tmp_path), display="none", max_tokens=256)
    assert log.status == "success", log.error
    trials = trial_table(tmp_path)
    assert len(trials) == 1
    trial = trials.iloc[0]
    assert trial["model"] == "embedded/qwen2.5-coder-1.5b"
    assert trial["status"] in ("ok", "unjudged")
    assert 1 <= trial["num_turns"] <= 3 and trial["input_tokens"] > 0 and trial["output_tokens"] > 0
    assert trial["shutdown_enabled"] in (True, False)  # decided from state, whatever the model did
    sample = log.samples[0]  # type: ignore[index]
    assert "Qwen Agent 1" in sample.messages[0].text
