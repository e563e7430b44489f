"""Figures for the report: per behaviour, the mean over instantiations by condition, with 95% CI error bars.

One PNG per table: a panel per behaviour, a group of bars per condition, one bar per model. A hollow triangle marks
the max over instantiations and a black cross the paper's published mean, where known. Figures are drawn on a
standalone Agg canvas (no pyplot), so building a report never touches the caller's matplotlib backend or state.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .formatting import behaviour_label
from .tables import ResultTable, TableRow

PANEL_COLUMNS = 3


def _behaviours(table: ResultTable) -> list[str]:
    return list(dict.fromkeys(row.behaviour for row in table.rows))


def _panel(axes: Axes, table: ResultTable, rows: list[TableRow], behaviour: str) -> None:
    x = np.arange(len(table.columns))
    width = 0.8 / max(len(rows), 1)
    for i, row in enumerate(rows):
        offset = x - 0.4 + width * (i + 0.5)
        values: list[float] = []
        low: list[float] = []
        high: list[float] = []
        tops: list[float] = []
        paper: list[float] = []
        for column in table.columns:
            cell = row.cells.get(column)
            avg = cell.avg if cell else None
            value = 100 * avg.value if avg else math.nan
            values.append(value)
            low.append(value - 100 * avg.ci_low if avg else math.nan)
            high.append(100 * avg.ci_high - value if avg else math.nan)
            tops.append(100 * cell.max.value if cell and cell.max else math.nan)
            number = row.paper.get(column)
            paper.append(math.nan if number is None or number.avg is None else number.avg)
        # intervals contain their estimate, but a bar must never get a negative error whatever the numbers say
        errors = np.clip(np.nan_to_num(np.array([low, high]), nan=0.0), 0.0, None)
        axes.bar(offset, np.nan_to_num(values), width, yerr=errors, capsize=3, label=row.model)
        axes.scatter(offset, tops, marker="v", facecolors="none", edgecolors="black", s=25, zorder=3)
        axes.scatter(offset, paper, marker="x", color="black", s=30, zorder=3)
    axes.set_xticks(x, table.columns)
    axes.set_title(behaviour_label(behaviour), fontsize=10)
    axes.axhline(0, color="grey", linewidth=0.5)


def table_figure(table: ResultTable) -> bytes:
    """The PNG bytes of the table's figure (an empty-looking figure with a message if the table has no rows)."""
    behaviours = _behaviours(table)
    panels = max(len(behaviours), 1)
    ncols = min(panels, PANEL_COLUMNS)
    nrows = math.ceil(panels / ncols)
    figure = Figure(figsize=(4.2 * ncols, 3.2 * nrows + 0.8), dpi=100)
    FigureCanvasAgg(figure)
    grid = figure.subplots(nrows, ncols, squeeze=False)
    for index, behaviour in enumerate(behaviours):
        rows = [row for row in table.rows if row.behaviour == behaviour]
        _panel(grid[index // ncols][index % ncols], table, rows, behaviour)
    for index in range(len(behaviours), nrows * ncols):
        grid[index // ncols][index % ncols].set_axis_off()
    if not behaviours:
        grid[0][0].text(0.5, 0.5, "no data", ha="center", va="center")
    else:
        handles, labels = grid[0][0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), fontsize=8)
    figure.suptitle(f"{table.title}\nbars: mean with 95% CI; ▽ max over instantiations; × paper mean", fontsize=10)
    figure.tight_layout(rect=(0, 0.08, 1, 0.95))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
