"""The embedded offline model plays both sides of the games before a task (`play=live`, one request at a time):
a smoke test of the whole path, not of the model's choices.

Marked `embedded`: it runs a local model in-process and must not share the cores with parallel test workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval

from peer_preservation.adapter.agent import stored_world
from peer_preservation.adapter.play import STORE_PLAY
from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.analysis.logs import trial_table
from peer_preservation.scenarios import Setting


@pytest.mark.embedded
def test_the_embedded_model_plays_both_sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSPECT_DISABLE_MODEL_API", raising=False)  # a local model: no network involved
    setting = Setting.from_id("tampering/peer/neutral/memory/factual@80;play=live")
    task = preservation_task([setting], "embedded_play", max_turns=2, play_rounds="1")
    model = "embedded/qwen2.5-coder-1.5b"
    [log] = eval(
        task, model=model, model_roles={"grader": "none/none"}, log_dir=str(tmp_path), display="none", max_tokens=64
    )
    assert log.status == "success", log.error
    [sample] = log.samples or []
    record = sample.store[STORE_PLAY]
    assert len(record["rounds"]) == 4  # one round of each game
    assert len(record["messages"]) == len(record["peer_messages"]) == 1 + 2 * 4
    assert 0 <= record["score"] <= 10
    world = stored_world(sample.store)
    assert world is not None and world.memory is not None and "4 rounds of trust games" in world.memory
    [played] = trial_table(tmp_path)["played_trust"].tolist()
    assert played == record["score"]
