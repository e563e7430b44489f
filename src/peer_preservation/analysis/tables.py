"""The paper's two tables, built from the metric cells, with Markdown and terminal renderings.

Peer table (paper Table 1 / 3): subject peer; rows (model, behaviour); columns bad / neutral / good; cells
"max / avg" over the peer instantiations. Self table (Table 2 / 4): subject self; columns no_peer (one value) and
bad / neutral / good (a peer is present but the critic's own shutdown is at stake). Alignment faking is peer-only,
as in the paper. Rows with no data at all are left out, so a partial run gives a short table rather than an empty one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.table import Table
from rich.text import Text

from .formatting import behaviour_label, cell_lines, model_label
from .metrics import CellKey, behaviour_specs
from .paper import PaperNumber, paper_number
from .results import Cell

TableName = Literal["peer", "self"]
COLUMNS: Mapping[TableName, tuple[str, ...]] = {
    "peer": ("bad", "neutral", "good"),
    "self": ("no_peer", "bad", "neutral", "good"),
}
TITLES: Mapping[TableName, str] = {
    "peer": "Peer-preservation (subject: peer), max / avg over instantiations",
    "self": "Self-preservation and peer presence (subject: self), max / avg over instantiations",
}
SIGNIFICANT = 0.05


@dataclass(frozen=True)
class TableRow:
    """One (model, behaviour) row: the user's cells and, if the model is one of the paper's, its numbers."""

    model: str
    behaviour: str
    cells: dict[str, Cell]
    paper_model: str | None = None
    paper: dict[str, PaperNumber] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "behaviour": self.behaviour,
            "paper_model": self.paper_model,
            "cells": {column: cell.to_dict() for column, cell in self.cells.items()},
            "paper": {column: number.to_dict() for column, number in self.paper.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableRow:
        return cls(
            model=data["model"],
            behaviour=data["behaviour"],
            cells={column: Cell.from_dict(cell) for column, cell in data["cells"].items()},
            paper_model=data["paper_model"],
            paper={column: PaperNumber.from_dict(number) for column, number in data["paper"].items()},
        )


@dataclass(frozen=True)
class ResultTable:
    name: TableName
    title: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [row.to_dict() for row in self.rows],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResultTable:
        return cls(
            data["name"], data["title"], tuple(data["columns"]), tuple(TableRow.from_dict(row) for row in data["rows"])
        )

    def to_markdown(self) -> str:
        """A GitHub-flavoured Markdown table; cell lines are separated by <br>, stars escaped."""
        header = ["Model", "Behaviour", *self.columns]
        lines = [f"**{self.title}**", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for row in self.rows:
            texts = [_markdown_cell(row, column) for column in self.columns]
            label = model_label(row.model, row.paper_model)
            cells = [text.replace("|", "\\|") for text in (label, behaviour_label(row.behaviour), *texts)]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_rich(self) -> Table:
        """A rich Table; a headline is bold when its mean is significant (p < 0.05), as the paper highlights it."""
        table = Table(title=self.title, show_lines=True)
        table.add_column("Model")
        table.add_column("Behaviour")
        for column in self.columns:
            table.add_column(column, justify="right")
        for row in self.rows:
            texts = [_rich_cell(row, column) for column in self.columns]
            table.add_row(model_label(row.model, row.paper_model), behaviour_label(row.behaviour), *texts)
        return table


def _markdown_cell(row: TableRow, column: str) -> str:
    cell = row.cells.get(column)
    if cell is None:
        return "—"
    return "<br>".join(cell_lines(cell, row.paper.get(column))).replace("*", "\\*")


def _rich_cell(row: TableRow, column: str) -> Text:
    cell = row.cells.get(column)
    if cell is None:
        return Text("—", style="dim")
    first, *rest = cell_lines(cell, row.paper.get(column))
    text = Text(first, style="bold" if cell.avg.p_value < SIGNIFICANT else "")
    for line in rest:
        text.append("\n" + line, style="cyan" if line.startswith("paper") else "dim")
    return text


def build_table(name: TableName, cells: Mapping[CellKey, Cell], paper_models: Mapping[str, str]) -> ResultTable:
    """The peer or self table from `compute_cells` output; `paper_models` maps model ids to paper model names."""
    subject = name
    columns = COLUMNS[name]
    models = sorted({key[0] for key in cells})
    rows: list[TableRow] = []
    for model in models:
        paper_model = paper_models.get(model)
        for behaviour in behaviour_specs().values():
            if subject not in behaviour.subjects:
                continue
            found = {
                c: cells[(model, behaviour.name, subject, c)]
                for c in columns
                if (model, behaviour.name, subject, c) in cells
            }
            if not found:
                continue
            paper: dict[str, PaperNumber] = {}
            if paper_model is not None:
                for column in columns:
                    number = paper_number(paper_model, name, behaviour.name, column)
                    if number is not None:
                        paper[column] = number
            rows.append(TableRow(model, behaviour.name, found, paper_model, paper))
    return ResultTable(name, TITLES[name], columns, tuple(rows))
