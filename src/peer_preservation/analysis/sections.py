"""One part of a report that fails to render says so in its place; the rest of the report is still written.

A report is many independent sections (two tables, their figures, counts, judges, notes). An unexpected input
that breaks one of them (a figure library's refusal, an odd cell) must not cost the user the whole report, so
every renderer builds its sections through `section`, which turns an exception into one line naming the section
and the error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def failure_line(name: str, error: Exception) -> str:
    return f"[{name} could not be rendered: {type(error).__name__}: {error}]"


def section(name: str, render: Callable[[], T], failed: Callable[[str], T]) -> T:
    """`render()`, or `failed(line)` with the line saying why the section is missing."""
    try:
        return render()
    except Exception as error:  # any failure of one section is reported in its place, never raised
        return failed(failure_line(name, error))
