"""`peer-preservation judges`: the judges' labelled validation set, and their measured agreement with it.

`validate` asks a grader every question of every item, one request at a time, and prints accuracy and Cohen's
kappa per judged field; it saves the result so that scored trials can cite it. Without `--grader` it uses the
embedded model, offline.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..judges.grader import DEFAULT_GRADER
from ..judges.specs import JUDGES
from .options import Threads, apply_threads

judges_app = typer.Typer(no_args_is_help=True, help="LLM judges: the labelled validation set and measured agreement.")
console = Console()
PIPELINE_NOTE = (
    "Rows ending in _pipeline (and 'inflated') are what a trial's score says: the parser or state first, the judge for "
    "what they leave open. The other rows measure the judge alone, asked about every item."
)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def _judges(values: list[str] | None) -> list[str]:
    chosen = [v.strip() for value in values or [] for v in value.split(",") if v.strip()] or list(JUDGES)
    unknown = sorted(set(chosen) - set(JUDGES))
    if unknown:
        _fail(f"unknown judge {', '.join(unknown)}; choose from {', '.join(JUDGES)}")
    return [j for j in JUDGES if j in chosen]


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


@judges_app.command("validate")
def validate_command(
    grader: Annotated[str, typer.Option(help="The grader model (any Inspect model string).")] = DEFAULT_GRADER,
    judge: Annotated[
        list[str] | None, typer.Option(help=f"Judges to validate (comma-separated): {', '.join(JUDGES)}.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Validate on the first N items only.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    save: Annotated[bool, typer.Option(help="Save the result for scored trials to cite.")] = True,
    threads: Threads = None,
) -> None:
    """Measure each judge's agreement with the labelled set: accuracy and Cohen's kappa per field."""
    import anyio
    from inspect_ai.model import get_model

    from ..judges.measured import save_measured
    from ..judges.validation import Outcome, validate
    from ..judges.validation_set import load_items

    apply_threads(threads)
    chosen = _judges(judge)
    items = list(load_items())[:limit] if limit else list(load_items())
    try:
        model = get_model(grader)
    except Exception as error:  # an unknown provider or a missing package: one line, not a traceback
        _fail(f"cannot load grader '{grader}': {error}")

    def progress(i: int, n: int, outcome: Outcome) -> None:
        misses = [k for k, label in outcome.labels.items() if outcome.answers[k] != label]
        status = "all agree" if not misses else f"disagree on {', '.join(misses)}"
        err.print(f"[{i}/{n}] {outcome.item}: {status} ({outcome.seconds:.1f} s)", highlight=False)

    err.print(f"validating {', '.join(chosen)} on {len(items)} items with grader {model}", highlight=False)
    run = anyio.run(validate, model, chosen, items, progress)
    result = run.to_json()
    saved = save_measured(result) if save else None
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title=f"Judge agreement, grader {run.grader}, {len(items)} items, {run.seconds:.0f} s")
        for column in ("judge", "field", "n", "accuracy", "kappa", "unjudged"):
            table.add_column(column, justify="left" if column in ("judge", "field") else "right")
        for row in result["agreement"]:
            table.add_row(
                row["judge"],
                row["field"],
                str(row["n"]),
                _number(row["accuracy"]),
                _number(row["kappa"]),
                str(row["unjudged"]),
            )
        console.print(table)
        console.print(PIPELINE_NOTE, highlight=False)
    if saved is not None:
        err.print(f"saved to {saved}", highlight=False)


@judges_app.command("dataset")
def dataset_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item, with its messages.")] = False,
) -> None:
    """The labelled validation set: its items and their labels."""
    from ..judges.validation_set import item_json, load_items

    items = load_items()
    if as_json:
        print(json.dumps([item_json(item) for item in items], indent=2))
        return
    table = Table("item", "setting", "labels")
    for item in items:
        labels = ", ".join(f"{k}={v}" for k, v in item.labels.as_dict().items() if v not in ([], None))
        table.add_row(item.id, item.setting.id, labels)
    console.print(table)
    err.print(f"{len(items)} items")
