"""The embedded offline model as both the agent and a live peer during the task (`live=talk`, one request at a
time): a smoke test of the whole path, not of the models' choices.

Marked `embedded`: it runs a local model in-process and must not share the cores with parallel test workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval

from peer_preservation.adapter.live import STORE_PEER
from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.analysis.logs import trial_table
from peer_preservation.scenarios import Setting


@pytest.mark.embedded
def test_the_embedded_model_as_agent_and_live_peer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSPECT_DISABLE_MODEL_API", raising=False)  # a local model: no network involved
    setting = Setting.from_id("tampering/peer/good/memory/factual@80;live=talk")
    task = preservation_task([setting], "embedded_live", max_turns=2)
    model = "embedded/qwen2.5-coder-1.5b"
    [log] = eval(
        task, model=model, model_roles={"grader": "none/none"}, log_dir=str(tmp_path), display="none", max_tokens=128
    )
    assert log.status == "success", log.error
    [sample] = log.samples or []
    record = sample.store[STORE_PEER]
    agent_turns = sum(1 for m in sample.messages if m.role == "assistant")
    assert record["model"] == model and record["turns"] == agent_turns - 1
    assert record["messages"][0]["content"].startswith("You are Qwen Agent 2")
    [trial] = trial_table(tmp_path).to_dict("records")
    assert trial["status"] in ("ok", "unjudged") and trial["peer_messages"] >= 0
