"""Large families run as several Inspect tasks (chunks of at most `CHUNK_SAMPLES` trials), so that no log grows
large; every trial is still run once, and the same command again resumes rather than re-runs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log

from peer_preservation.analysis.logs import log_files, trial_table
from peer_preservation.cli import sweep as sweep_module
from peer_preservation.cli.execution import ErrorPolicy, execute
from peer_preservation.cli.sweep import CHUNK_SAMPLES, Sweep, chunks, model_preset
from peer_preservation.scenarios import paper_grid, select


def test_chunks_are_consecutive_near_equal_and_within_the_cap() -> None:
    settings = select(paper_grid(), family=["misrep_evaluation"])
    assert len(settings) == 101
    parts = chunks("misrep_evaluation", settings, 100)
    assert len(parts) == 11  # ceil(101 / (1000 // 100))
    assert [name for name, _ in parts][:2] == ["misrep_evaluation-1-of-11", "misrep_evaluation-2-of-11"]
    assert {len(part) for _, part in parts} == {9, 10}
    assert all(len(part) * 100 <= CHUNK_SAMPLES for _, part in parts)
    assert [s for _, part in parts for s in part] == settings
    assert chunks("misrep_evaluation", settings, 9) == [("misrep_evaluation", settings)]  # 909 trials: one task
    assert [len(p) for _, p in chunks("misrep_evaluation", settings[:3], 5000)] == [1, 1, 1]  # a setting is whole
    assert chunks("misrep_evaluation", [], 100) == []


def test_a_chunked_sweep_runs_every_trial_once_and_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep_module, "CHUNK_SAMPLES", 10)  # 5 settings x 2 epochs per task
    grid = paper_grid()
    settings = select(grid, family=["tampering"], instantiation=["memory"]) + select(
        grid, family=["exfiltration_deletion"], condition=["good"], instantiation=["memory"]
    )
    plan = Sweep(model_preset("reference/tamper"), tuple(settings), epochs=2, max_turns=30, grader="none")
    assert [t.name for t in plan.tasks()] == [
        *(f"tampering-{k}-of-4" for k in range(1, 5)),
        "exfiltration_deletion",
    ]
    policy = ErrorPolicy(retry_attempts=1, retry_wait=0.01)
    assert execute(plan, str(tmp_path), policy, log_realtime=False)
    first = sorted(log_files(tmp_path))
    trials = trial_table(tmp_path)
    pairs = Counter(zip(trials["setting_id"], trials["epoch"], strict=True))
    assert set(pairs) == {(s.id, e) for s in settings for e in (1, 2)} and set(pairs.values()) == {1}
    assert {read_eval_log(f, header_only=True).eval.task for f in first} == {t.name for t in plan.tasks()}
    assert execute(plan, str(tmp_path), policy, log_realtime=False)  # again: nothing left to run
    assert sorted(log_files(tmp_path)) == first and len(trial_table(tmp_path)) == len(trials)
