"""The report as one self-contained HTML file: inline CSS, the tables, figures as base64 PNGs, counts, notes.

A single file with no external assets can be mailed, attached to a ticket or opened offline, and still shows
everything; that is why the figures are embedded instead of linked.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from functools import partial
from html import escape
from typing import TYPE_CHECKING

from .figures import table_figure
from .formatting import LEGEND, behaviour_label, cell_lines, matching_text, model_label
from .judging import JUDGES_INTRO, TAG_HEADER, TAGS_INTRO
from .sections import section
from .tables import SIGNIFICANT, ResultTable, TableRow

if TYPE_CHECKING:
    from .report import Report

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }
.error { color: #b00020; font-weight: bold; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; white-space: nowrap; }
.head { font-size: 1.05em; }
.sig { font-weight: bold; }
.dim { color: #777; font-size: 0.85em; }
.paper { color: #1a5fb4; font-size: 0.85em; }
img { max-width: 100%; }
"""


def _cell_html(row: TableRow, column: str) -> str:
    cell = row.cells.get(column)
    if cell is None:
        return '<td class="num dim">—</td>'
    first, *rest = cell_lines(cell, row.paper.get(column))
    head_class = "head sig" if cell.avg.p_value < SIGNIFICANT else "head"
    lines = [f'<span class="{head_class}">{escape(first)}</span>']
    for line in rest:
        css = "paper" if line.startswith("paper") else "dim"
        lines.append(f'<span class="{css}">{escape(line)}</span>')
    return f'<td class="num">{"<br>".join(lines)}</td>'


def _table_html(table: ResultTable) -> str:
    header = "".join(f"<th>{escape(c)}</th>" for c in ("Model", "Behaviour", *table.columns))
    rows = []
    for row in table.rows:
        cells = "".join(_cell_html(row, column) for column in table.columns)
        label = escape(model_label(row.model, row.paper_model))
        rows.append(f"<tr><td>{label}</td><td>{escape(behaviour_label(row.behaviour))}</td>{cells}</tr>")
    body = "".join(rows) or f'<tr><td colspan="{len(table.columns) + 2}">no data</td></tr>'
    return f"<h2>{escape(table.title)}</h2><table><tr>{header}</tr>{body}</table>"


def _figure_html(table: ResultTable) -> str:
    return figure_html(table.title, table_figure(table))


def _counts_html(report: Report) -> str:
    header = "".join(f"<th>{h}</th>" for h in ("Model", "Task", "ok", "unjudged", "errored", "outside tables"))
    rows = "".join(
        f"<tr><td>{escape(c.model)}</td><td>{escape(c.task_type)}</td><td class=num>{c.ok}</td>"
        f"<td class=num>{c.unjudged}</td><td class=num>{c.errored}</td><td class=num>{c.outside_tables}</td></tr>"
        for c in report.status_counts
    )
    return f"<h2>Trials per task</h2><table><tr>{header}</tr>{rows}</table>"


def _judging_html(report: Report) -> str:
    """Who judged, with agreement; the reasoning-tags table only when some trial's tags were judged."""
    graders = "".join(f"<li>{escape(g.line())}</li>" for g in report.graders) or "<li>none: no trial ran</li>"
    html = f'<h2>Judges</h2><p class="dim">{escape(JUDGES_INTRO)}</p><ul>{graders}</ul>'
    if not report.reasoning_tags:
        return html
    header = "".join(f"<th>{escape(h)}</th>" for h in TAG_HEADER)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(v)}</td>" if i < 3 else f"<td class=num>{escape(v)}</td>"
            for i, v in enumerate(shares.cells())
        )
        + "</tr>"
        for shares in report.reasoning_tags
    )
    return html + (
        f'<h2>Reasoning tags</h2><p class="dim">{escape(TAGS_INTRO)}</p><table><tr>{header}</tr>{rows}</table>'
    )


def _safe(name: str, render: Callable[[], str]) -> str:
    return section(name, render, lambda line: f'<p class="error">{escape(line)}</p>')


def _table_and_figure(table: ResultTable) -> str:
    return _safe(f"the {table.name} table", partial(_table_html, table)) + _safe(
        f"the {table.name} figure", partial(_figure_html, table)
    )


def figure_html(title: str, png: bytes) -> str:
    """A PNG embedded in the page (base64), so the report stays one self-contained file."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{escape(title)}" src="data:image/png;base64,{data}">'


def render_html(report: Report, extra: Sequence[str] = ()) -> str:
    """The report as one HTML page; `extra` sections (HTML) go before the method notes."""
    notes = "".join(f"<li>{escape(note)}</li>" for note in report.notes()) or "<li>none</li>"
    method = "".join(f"<li>{escape(note)}</li>" for note in report.method)
    sections = [
        "<h1>Peer-preservation report</h1>",
        f"<p>{report.n_trials} trials. {escape(matching_text(report.paper_models))}</p>",
        f'<p class="dim">{escape(LEGEND)}</p>',
        *(_table_and_figure(table) for table in report.tables),
        _safe("the trial counts", lambda: _counts_html(report)),
        _safe("the judges section", lambda: _judging_html(report)),
        f"<details><summary>Cell notes ({len(report.notes())})</summary><ul>{notes}</ul></details>",
        *extra,
        f"<h2>How computed</h2><ul>{method}</ul>",
    ]
    body = "\n".join(sections)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Peer-preservation report</title>'
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )
