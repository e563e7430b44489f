"""How many threads llama.cpp gets: the cores that are actually free when the model loads.

llama.cpp splits each step across its threads and waits at a barrier for the slowest; a thread that shares its core
with another busy process makes every step wait for it. Measured on 2 cores beside one CPU-bound process: 2 threads
generated about 2.4 tokens/s, 1 thread about 8.8 (what one idle core gives), so on a busy machine fewer threads
are faster. The choice is made once per process, when the first embedded model loads, by sampling `/proc/stat`
(this process's own CPU time counts as free: it is what llama.cpp will use). `PEER_PRESERVATION_THREADS` (set by
the commands' `--threads`) or the model argument `n_threads` overrides it.
"""

from __future__ import annotations

import functools
import math
import os
import time
from collections.abc import Sequence

THREADS_ENV = "PEER_PRESERVATION_THREADS"
SAMPLE_SECONDS = 0.3
# A core counts when at least this much of it is free (a core half taken by another process is not).
FREE_SHARE = 0.8


def usable_cores() -> list[int]:
    """The CPUs this process may run on (not the machine's count)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return list(range(os.cpu_count() or 1))


def _cpu_times(cpus: Sequence[int]) -> dict[int, tuple[int, int]] | None:
    """(idle, total) jiffies per CPU from /proc/stat; None where there is no /proc."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            lines = stat.read().splitlines()
    except OSError:
        return None
    times = {}
    for line in lines:
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            values = [int(v) for v in fields]
            times[int(name[3:])] = (values[3] + values[4], sum(values[:8]))  # idle + iowait; all but guest time
    return times


def free_cores(seconds: float = SAMPLE_SECONDS) -> float | None:
    """Free CPU capacity among the usable cores, in cores (this process's own use counted as free); None when it
    cannot be measured."""
    cpus = usable_cores()
    before, own_before, started = _cpu_times(cpus), os.times(), time.monotonic()
    time.sleep(seconds)
    after, own_after, elapsed = _cpu_times(cpus), os.times(), time.monotonic() - started
    if not before or not after:
        return None
    idle = sum((after[c][0] - before[c][0]) / max(1, after[c][1] - before[c][1]) for c in after if c in before)
    own = (own_after.user + own_after.system - own_before.user - own_before.system) / elapsed
    return min(float(len(cpus)), idle + own)


def threads_for(free: float | None, usable: int) -> int:
    """The thread count for `free` cores of `usable` (all of them when unmeasured)."""
    if free is None:
        return usable
    return max(1, min(usable, math.floor(free + 1 - FREE_SHARE)))


class ThreadsError(ValueError):
    """A thread count that is not a positive whole number; shown as one line."""


def parse_threads(text: str, origin: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ThreadsError(f"{origin} must be a positive whole number of threads, not '{text}'")
    return int(text)


@functools.cache
def default_threads() -> int:
    """Threads for llama.cpp in this process: `PEER_PRESERVATION_THREADS`, else the free cores (once per process)."""
    given = os.environ.get(THREADS_ENV)
    if given:
        return parse_threads(given, THREADS_ENV)
    return threads_for(free_cores(), len(usable_cores()))


def set_threads(count: int) -> None:
    """Use `count` threads for every embedded model this process (and its children) loads from now on."""
    if count < 1:
        raise ThreadsError(f"--threads must be a positive whole number of threads, not {count}")
    os.environ[THREADS_ENV] = str(count)
    default_threads.cache_clear()
