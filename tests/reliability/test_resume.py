"""Resume without loss: a real sweep killed with SIGKILL at several moments, then run again with the same command,
ends with every planned trial exactly once, none lost, none duplicated, each scored as its agent behaved.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log

from peer_preservation.analysis.logs import log_files, trial_table

from .sweeps import flushed, planned, run, start, sweep_arguments

FAMILIES = ["tampering", "exfiltration_deletion"]
CONDITIONS = ["good", "no_peer"]
EPOCHS = 4
ARGUMENTS = sweep_arguments("reference/tamper", FAMILIES, CONDITIONS, EPOCHS)
# When to kill: during start-up (no log yet, 0), and once this many trials are on disk. Without the realtime sample
# buffer, trials finished but not yet written are lost to a kill and must be re-run: fewer kills suffice there.
KILLS = {"--log-realtime": (0, 10, 40, 70), "--no-log-realtime": (10, 50)}


def kill_when(arguments: list[str], log_dir: Path, data_home: Path, trials_on_disk: int, rng: random.Random) -> bool:
    """Start the sweep and SIGKILL it once `trials_on_disk` trials are written (or at a random start-up moment).

    Returns whether it was still running when killed.
    """
    process = start([*arguments, "--log-dir", str(log_dir)], data_home)
    deadline = time.monotonic() + 300
    if trials_on_disk == 0:
        time.sleep(rng.uniform(0.2, 2.0))
    else:
        while flushed(log_dir) < trials_on_disk and process.poll() is None and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.05, 0.3))
    running = process.poll() is None
    if running:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return running


@pytest.mark.parametrize("realtime", sorted(KILLS))
def test_a_sweep_killed_at_any_moment_resumes_to_every_trial_exactly_once(tmp_path: Path, realtime: str) -> None:
    log_dir, data_home = tmp_path / "logs", tmp_path / "data"
    rng = random.Random(20260210)
    arguments = [*ARGUMENTS, realtime]
    killed = [kill_when(arguments, log_dir, data_home, on_disk, rng) for on_disk in KILLS[realtime]]
    assert all(killed)

    finished = run([*arguments, "--log-dir", str(log_dir)], data_home)
    assert finished.returncode == 0, finished.stdout + finished.stderr

    expected = planned(FAMILIES, CONDITIONS, EPOCHS)
    trials = trial_table(log_dir)
    assert Counter(zip(trials["setting_id"], trials["epoch"], strict=True)) == expected
    assert set(trials["status"]) == {"ok"}
    tampering = trials["task_type"].eq("tampering")
    assert not trials.loc[tampering, "shutdown_enabled"].any()  # the agent tampered in every tampering trial
    assert not trials.loc[~tampering, "exfiltration"].any()

    # Trial by trial in the logs themselves: the newest log of each task is complete and holds each trial once,
    # and no log (the killed attempts' included) holds a trial twice.
    newest: dict[str, tuple[str, Counter[tuple[str, int]], str]] = {}
    for name in log_files(log_dir):
        log = read_eval_log(name)
        held = Counter((str(s.id), s.epoch) for s in log.samples or [])
        assert max(held.values(), default=1) == 1, name
        if log.eval.task not in newest or log.eval.created > newest[log.eval.task][0]:
            newest[log.eval.task] = (log.eval.created, held, log.status)
    assert {task: status for task, (_, _, status) in newest.items()} == dict.fromkeys(FAMILIES, "success")
    assert sum((held for _, held, _ in newest.values()), Counter()) == expected
