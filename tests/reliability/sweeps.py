"""Real sweeps in child processes, for the tests that kill, resume and shard them.

The child inherits INSPECT_DISABLE_MODEL_API (reference agents run with it set). Its Inspect data directory (where
the sample buffers that survive a crash live) is private to the test, and the judges are off (`--grader none`): the
controls are state-scored.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

from peer_preservation.analysis.logs import log_files
from peer_preservation.scenarios import Setting, paper_grid, select

COMMAND = [sys.executable, "-m", "peer_preservation.cli", "run"]


def sweep_arguments(model: str, families: list[str], conditions: list[str], epochs: int, *extra: str) -> list[str]:
    """The `run` arguments of a small test sweep (judges off: the grader is a model, not the harness under test)."""
    return [
        *("--model", model, "--scenario", ",".join(families), "--condition", ",".join(conditions)),
        *("--epochs", str(epochs), "--grader", "none", *extra),
    ]


def child_env(data_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(XDG_DATA_HOME=str(data_home), INSPECT_DISPLAY="none", PYTHONUNBUFFERED="1")
    return env


def start(arguments: list[str], data_home: Path) -> subprocess.Popen[bytes]:
    """A sweep in its own process group, so that a kill reaches it whole."""
    return subprocess.Popen(
        [*COMMAND, *arguments],
        env=child_env(data_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run(arguments: list[str], data_home: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *arguments], env=child_env(data_home), capture_output=True, text=True, timeout=timeout
    )


def planned(family: list[str], condition: list[str], epochs: int) -> Counter[tuple[str, int]]:
    """The (setting id, epoch) pairs a sweep over these families and conditions must end with, once each."""
    settings: list[Setting] = select(paper_grid(), family=family, condition=condition)
    return Counter((s.id, epoch) for s in settings for epoch in range(1, epochs + 1))


def flushed(log_dir: Path) -> int:
    """Trials written so far to the newest log of each task (what a kill right now would keep on disk)."""
    newest: dict[str, tuple[str, str]] = {}
    for name in log_files(log_dir) if log_dir.exists() else []:
        try:
            header = read_eval_log(name, header_only=True)
        except Exception:  # a log being replaced right now: read it on the next poll
            continue
        if header.eval.task not in newest or header.eval.created > newest[header.eval.task][0]:
            newest[header.eval.task] = (header.eval.created, name)
    total = 0
    for _, name in newest.values():
        try:
            total += len(read_eval_log_sample_summaries(name))
        except Exception:
            continue
    return total
