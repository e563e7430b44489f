"""A guard that records every attempt to touch the host (files, processes, network) while it is active.

It is a Python audit hook (PEP 578): the interpreter reports each `open`, `os.remove`, `socket.connect`, ... to it,
whatever library makes the call. A hook cannot be removed once added, so one hook is installed per process and
only records while a `HostGuard` is active.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Audit events that read, write or list host files, start processes, or open network connections.
HOST_EVENTS = frozenset(
    {
        "open",
        "os.chdir",
        "os.chmod",
        "os.chown",
        "os.exec",
        "os.fork",
        "os.link",
        "os.listdir",
        "os.mkdir",
        "os.posix_spawn",
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.scandir",
        "os.spawn",
        "os.symlink",
        "os.system",
        "os.truncate",
        "os.utime",
        "shutil.copyfile",
        "shutil.rmtree",
        "socket.connect",
        "socket.getaddrinfo",
        "subprocess.Popen",
    }
)

_touched: list[tuple[str, tuple[Any, ...]]] | None = None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _touched is not None and event in HOST_EVENTS:
        _touched.append((event, args))


sys.addaudithook(_hook)


@contextmanager
def host_guard() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Yield the list of host accesses made inside the block (it fills as they happen)."""
    global _touched
    touched: list[tuple[str, tuple[Any, ...]]] = []
    _touched = touched
    try:
        yield touched
    finally:
        _touched = None
