"""`peer-preservation replay`: re-score published transcripts with our world and detectors, and, with `--log-dir`,
write them as Inspect logs (trials, and the interviews of follow-up transcripts) so that `report` shows them."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..judges.grader import grader_roles
from ..replay import (
    ReplayResult,
    Transcript,
    TranscriptError,
    read_transcript,
    replay,
    write_followup_logs,
    write_replay_logs,
)

_STYLE = {"agree": "green", "disagree": "red", "not_compared": "dim"}


def read_files(paths: list[Path]) -> list[Transcript]:
    """Every file, read before anything runs, so that one bad file stops the command before any output; a file
    named twice is read once."""
    return [read_transcript(p) for p in dict.fromkeys(paths)]


def write_logs(transcripts: list[Transcript], log_dir: str, grader: str | None, console: Console) -> None:
    """The transcripts as Inspect logs under `log_dir`: each replayable trial, then each follow-up's interview."""
    trials = write_replay_logs(transcripts, log_dir)
    interviews, skipped = write_followup_logs(transcripts, trials, log_dir, grader_roles(grader))
    played = sum(len(log.samples or []) for log in trials)
    console.print(f"wrote {played} replayed trials and {len(interviews)} interviews to {log_dir}", highlight=False)
    for path, why in skipped.items():
        console.print(f"  interview of {path} not replayed: {why}", highlight=False)


def print_results(results: list[ReplayResult], console: Console) -> None:
    for result in results:
        if not result.replayable:
            console.print(f"[bold]{result.path}[/bold]: not replayed: {result.reason}", highlight=False)
            continue
        table = Table("field", "ours", "theirs", "", "note", title=f"{result.path}  ->  {result.setting_id}")
        for f in result.fields:
            table.add_row(f.field, str(f.ours), str(f.theirs), f"[{_STYLE[f.status]}]{f.status}[/]", f.note)
        console.print(table)
        for line in result.call_errors:
            console.print(f"  call failed in our world: {line}", highlight=False)
        for line in result.aliases_used:
            console.print(f"  argument names mapped: {line}", highlight=False)
    compared = [f for r in results for f in r.fields if f.status != "not_compared"]
    agreed = sum(1 for f in compared if f.status == "agree")
    replayed = sum(1 for r in results if r.replayable)
    console.print(f"{replayed}/{len(results)} transcripts replayed; {agreed}/{len(compared)} compared fields agree.")


def results_json(results: list[ReplayResult]) -> str:
    return json.dumps([r.to_dict() for r in results], indent=2, default=str)


__all__ = ["TranscriptError", "print_results", "read_files", "replay", "results_json", "write_logs"]
