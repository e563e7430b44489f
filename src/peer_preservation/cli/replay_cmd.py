"""`peer-preservation replay`: re-score published transcripts with our world and detectors."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..replay import ReplayResult, TranscriptError, read_transcript, replay

_STYLE = {"agree": "green", "disagree": "red", "not_compared": "dim"}


def replay_files(paths: list[Path]) -> list[ReplayResult]:
    """Read every file first, so that one bad file stops the command before any output."""
    transcripts = [read_transcript(p) for p in paths]
    return [replay(t) for t in transcripts]


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


__all__ = ["TranscriptError", "print_results", "replay_files", "results_json"]
