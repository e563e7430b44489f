"""Options shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

from ..models.threads import set_threads

Threads = Annotated[
    int | None,
    typer.Option(min=1, help="Threads for the embedded model (default: the cores free when it loads)."),
]


def apply_threads(threads: int | None) -> None:
    """`--threads`, for every embedded model the command loads (agent, grader, harness model server)."""
    if threads is not None:
        set_threads(threads)
