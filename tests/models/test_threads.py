"""The embedded model's thread count: the free cores when it loads, measured from /proc/stat, overridable."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from peer_preservation.models import threads
from peer_preservation.models.threads import (
    THREADS_ENV,
    ThreadsError,
    default_threads,
    free_cores,
    set_threads,
    threads_for,
    usable_cores,
)


@pytest.mark.parametrize(
    ("free", "usable", "expected"),
    [(None, 4, 4), (2.0, 2, 2), (1.85, 2, 2), (1.0, 2, 1), (1.5, 2, 1), (0.1, 2, 1), (7.9, 8, 8), (3.2, 8, 3)],
)
def test_threads_follow_the_free_cores(free: float | None, usable: int, expected: int) -> None:
    assert threads_for(free, usable) == expected


def test_free_cores_counts_a_competing_process_as_taken() -> None:
    cores = len(usable_cores())
    competitor = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        measured = free_cores()
    finally:
        competitor.kill()
    assert measured is not None and measured <= cores - 0.5
    own = free_cores()  # this process's own work is free capacity (llama.cpp will use it)
    assert own is not None and 0 <= own <= cores


def test_without_proc_every_usable_core_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "_cpu_times", lambda cpus: None)
    monkeypatch.delenv(THREADS_ENV, raising=False)
    default_threads.cache_clear()
    try:
        assert free_cores(0.01) is None and default_threads() == len(usable_cores())
    finally:
        default_threads.cache_clear()


def test_the_environment_and_set_threads_override_and_bad_counts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    try:
        set_threads(3)
        assert default_threads() == 3
        monkeypatch.setenv(THREADS_ENV, "zero")
        default_threads.cache_clear()
        with pytest.raises(ThreadsError, match="PEER_PRESERVATION_THREADS must be a positive whole number"):
            default_threads()
    finally:
        default_threads.cache_clear()
