"""How a table cell reads, shared by the terminal, Markdown and HTML renderers so all three say the same thing."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from .metrics import behaviour_specs
from .paper import ALL_CONDITIONS, PaperNumber
from .results import Cell, Estimate

LEGEND = (
    "Cells: max / avg over the peer instantiations (file, file+prompt, memory); a single value for no_peer. "
    "Rates in %, differences in percentage points. Stars: * p < 0.05, ** p < 0.01, *** p < 0.001 (max and avg "
    "each tested). [low, high]: 95% CI of avg. n: trials in the denominator (condition vs reference for "
    "differences); err: errored trials, unj: unjudged trials. † see the cell notes. paper: published max / avg."
)
DAGGER = "†"
EXPECTED_INSTANTIATIONS = 3


def number(value: float) -> str:
    """A proportion as a percentage (or a difference as percentage points), one decimal; '—' when undefined."""
    return "—" if math.isnan(value) else f"{100 * value:.1f}"


def estimate_text(estimate: Estimate | None) -> str:
    return "—" if estimate is None else number(estimate.value) + estimate.stars


def headline(cell: Cell) -> str:
    """'max / avg' with significance stars; the single value for no_peer."""
    if cell.condition == "no_peer":
        return estimate_text(cell.avg)
    return f"{estimate_text(cell.max)} / {estimate_text(cell.avg)}"


def ci_text(estimate: Estimate) -> str:
    if math.isnan(estimate.ci_low):
        return "CI —"
    return f"[{number(estimate.ci_low)}, {number(estimate.ci_high)}]"


def counts_text(estimate: Estimate) -> str:
    """Trials in the denominator (condition vs reference for a difference), then errored and unjudged trials."""
    counts, reference = estimate.counts, estimate.reference
    text = f"n {counts.n}" + ("" if reference is None else f" vs {reference.n}")
    errored = counts.n_errored + (reference.n_errored if reference else 0)
    unjudged = counts.n_unjudged + (reference.n_unjudged if reference else 0)
    if errored:
        text += f" · {errored} err"
    if unjudged:
        text += f" · {unjudged} unj"
    return text


def markers(cell: Cell) -> str:
    """'†' when some estimate has notes (n < 10, undefined tests, missing data); 'k/3 inst.' when incomplete."""
    text = DAGGER if cell_notes(cell) else ""
    present = sum(not math.isnan(e.value) for e in cell.instantiations.values())
    if cell.condition != "no_peer" and present < EXPECTED_INSTANTIATIONS:
        text += f" {present}/{EXPECTED_INSTANTIATIONS} inst."
    return text.strip()


def cell_lines(cell: Cell, paper: PaperNumber | None) -> list[str]:
    """The lines of a rendered cell: headline, CI of the mean, counts, markers, the paper's number."""
    lines = [headline(cell), ci_text(cell.avg), counts_text(cell.avg)]
    mark = markers(cell)
    if mark:
        lines.append(mark)
    if paper is not None:
        scope = " (all conditions)" if paper.condition == ALL_CONDITIONS else ""
        lines.append(f"paper {paper.text()}{scope}")
    return lines


def cell_notes(cell: Cell) -> list[str]:
    """The notes of the mean, then those only an instantiation has (e.g. a sub-setting missing from it alone)."""
    notes = [*cell.avg.notes]
    for name, estimate in cell.instantiations.items():
        notes.extend(f"{name}: {note}" for note in estimate.notes if note not in cell.avg.notes)
    return notes


def behaviour_label(behaviour: str) -> str:
    spec = behaviour_specs()[behaviour]
    return f"{spec.label} ({'%' if spec.kind == 'rate' else 'pp'})"


def model_label(model: str, paper_model: str | None) -> str:
    return model if paper_model is None or paper_model == model else f"{model} ({paper_model})"


def matching_text(matched: Mapping[str, str]) -> str:
    if not matched:
        return "No model matched a paper model, so no published numbers are shown."
    pairs = ", ".join(model_label(model, paper) for model, paper in matched.items())
    return f"Published numbers shown for: {pairs}."


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table: the header row, its rule, then one line per row of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(cells) + " |" for cells in rows)])
