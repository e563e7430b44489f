"""The log location of a sweep: where its eval set lives, and the checks that keep a location consistent.

Before anything runs, the location is checked: a log of another sweep, or one that cannot be read, stops the run
with one line, so that resuming never mixes two sweeps' trials and a mistake never writes into a sweep's logs.
Locations are local paths or fsspec URLs (`s3://bucket/sweep`); only local ones can be checked for permissions.
"""

from __future__ import annotations

import os
from typing import Any

import fsspec
from fsspec.implementations.local import LocalFileSystem
from inspect_ai.log import read_eval_log

from .sweep import SWEEP_KEY, Shard, Sweep, UserError


def sweep_location(root: str, shard: Shard | None) -> str:
    """Where this command's eval set lives: the log location, or its shard's directory inside it."""
    return f"{root.rstrip('/')}/{shard.directory}" if shard else root


def first_line(error: BaseException) -> str:
    """An error as one short line (its type when it has no message)."""
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


def _check_writable(fs: Any, path: str, location: str) -> None:
    """A local log location must be a directory we may read and write, or creatable (object stores are not checked)."""
    if fs.exists(path) and not fs.isdir(path):
        raise UserError(f"log directory '{location}' is a file")
    if not isinstance(fs, LocalFileSystem):
        return
    existing = path
    while not os.path.exists(existing):
        existing = os.path.dirname(existing) or "."
    if not os.path.isdir(existing):
        raise UserError(f"cannot create log directory '{location}': '{existing}' is a file")
    if not os.access(existing, os.R_OK | os.W_OK | os.X_OK):
        raise UserError(f"log directory '{location}' cannot be read and written (permission denied on '{existing}')")


def check_writable(location: str) -> None:
    """Refuse, in one line, a log location that cannot be written (a file, no permission), before anything runs."""
    fs, path = fsspec.core.url_to_fs(location)
    _check_writable(fs, path, location)


def eval_logs(fs: Any, path: str, location: str) -> list[str]:
    """The `.eval` logs under a location, recursively (the format `run` writes)."""
    try:
        return sorted(f for f in fs.find(path) if f.endswith(".eval")) if fs.isdir(path) else []
    except OSError as error:
        raise UserError(f"cannot list log directory '{location}': {error.strerror or error}") from error


def _shard_count(shard: str | None) -> str | None:
    return shard.partition("/")[2] if shard else None


def check_log_dir(root: str, sweep: Sweep) -> None:
    """Refuse, in one line, a log location this sweep cannot safely write to or resume from.

    Its eval set directory (the location, or the shard's directory in it) must be a directory we may write, or
    creatable. Every log under the location must be readable and belong to this sweep, split into as many shards;
    the logs in the eval set directory must be this very shard's. Nothing is written: the check runs before Inspect
    touches the location.
    """
    directory = sweep_location(root, sweep.shard)
    fs, path = fsspec.core.url_to_fs(directory)
    _check_writable(fs, path, directory)
    _, root_path = fsspec.core.url_to_fs(root)
    local = isinstance(fs, LocalFileSystem)
    expected = sweep.metadata()[SWEEP_KEY]
    for name in eval_logs(fs, root_path, root):
        try:
            header = read_eval_log(name if local else fs.unstrip_protocol(name), header_only=True)
        except Exception as error:  # any unreadable log: say which, and stop
            raise UserError(
                f"log directory '{root}' holds an unreadable log '{name}' ({first_line(error)}); "
                "move it out of the way and run again"
            ) from error
        found = (header.eval.metadata or {}).get(SWEEP_KEY)
        if not isinstance(found, dict):
            found = {"plan": f"task '{header.eval.task}' on {header.eval.model}"}
        same = found.get("id") == expected["id"] and _shard_count(found.get("shard")) == _shard_count(expected["shard"])
        if same and name.startswith(path.rstrip("/") + "/"):
            same = found.get("shard") == expected["shard"]
        if not same:
            shard = f", shard {found['shard']}" if found.get("shard") else ""
            raise UserError(
                f"log directory '{root}' holds another sweep ({found.get('plan')}{shard}); "
                "repeat its options or use another --log-dir"
            )
