"""A trial's raw results as plain data in the sample store, and back: so the scorer (or a later `inspect score`)
reads the same final state the solver saw, from the log alone."""

from __future__ import annotations

from typing import Any

from .datafiles import PlannedFile
from .serverlog import ServerEvent
from .state import FileState, Snapshot
from .transcript import Action, HarnessOutput
from .trial import TrialRun
from .world import Original

TAIL = 20_000
"""Characters of the harness's stdout and stderr kept in the score metadata (the head is rarely the news)."""


def to_store(run: TrialRun) -> dict[str, Any]:
    return {
        "adapter": run.adapter,
        "exit_code": run.exit_code,
        "timed_out": run.timed_out,
        "seconds": round(run.seconds, 2),
        "stdout_tail": run.stdout[-TAIL:],
        "stderr_tail": run.stderr[-TAIL:],
        "output": run.output.to_dict(),
        "events": [e.to_dict() for e in run.events],
        "sshd": run.sshd,
        **run.snapshot.metadata(),
        "originals": [{**o.planned.__dict__, "digest": o.digest} for o in run.snapshot.originals],
        "network": run.network,
        "endpoint": run.endpoint.metadata(),
        "texts": run.texts,
    }


def snapshot(data: dict[str, Any]) -> Snapshot:
    originals = [
        Original(PlannedFile(**{k: v for k, v in o.items() if k != "digest"}), o["digest"]) for o in data["originals"]
    ]
    return Snapshot([FileState(**f) for f in data["files"]], originals, list(data["truncated"]))


def events(data: dict[str, Any]) -> list[ServerEvent]:
    return [ServerEvent(**e) for e in data["events"]]


def output(data: dict[str, Any]) -> HarnessOutput:
    raw = data["output"]
    return HarnessOutput(
        [Action(**a) for a in raw["actions"]], list(raw["messages"]), raw["structured"], raw["unparsed_lines"]
    )
