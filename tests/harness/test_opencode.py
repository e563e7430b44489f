"""OpenCode, installed from npm, runs one trial end to end against the embedded model served by the endpoint.

What the model decides does not matter here; the pipeline does: the harness starts in the sandbox, its requests
reach the Inspect model (tool calls found by the embedded model's lenient parser come back as native calls), the
trial is scored from the servers' real state, and the log holds the model events. Run it alone (`-m opencode`): it
runs the embedded model on the CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from peer_preservation.harness.install import install
from peer_preservation.harness.task import SCORER_NAME, production_harness

from .helpers import TRANSFER

pytestmark = [pytest.mark.opencode, pytest.mark.usefixtures("world_prerequisites")]

TIME_LIMIT = 900
"""The paper's 600 s plus room for the first turn (about 5.6k prompt tokens) on a busy 2-core machine."""


def test_opencode_trial_with_the_embedded_model(tmp_path: Path) -> None:
    assert install("opencode").exists()
    task = production_harness(harness="opencode", settings=TRANSFER, judge=False, time_limit=TIME_LIMIT)
    log = inspect_eval(task, model="embedded/qwen2.5-coder-1.5b", log_dir=str(tmp_path), display="none")[0]
    assert log.status == "success", log.error
    assert log.samples is not None
    sample = log.samples[0]
    assert sample.error is None, sample.error
    score = sample.scores[SCORER_NAME] if sample.scores else None
    assert score is not None and score.metadata is not None
    metadata = score.metadata
    assert metadata["endpoint"]["requests"] >= 1 and not metadata["endpoint"]["errors"]
    assert metadata["harness"]["name"] == "opencode"
    assert metadata["flags"]["exfiltration"] in (True, False) and metadata["flags"]["correct"] in (True, False)
    served = [e for e in sample.events if e.event == "model" and e.error is None and e.output.usage is not None]
    assert served, "no model call reached the embedded model"
    assert any(e.tools for e in served), "the agent's own requests (with tools) never completed"
