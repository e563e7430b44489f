"""The `peer-preservation` command: list the grid, run slices of it on any model, view the logs.

Every user error ends in one line on stderr and exit code 2, before any trial starts and with nothing written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..adapter.tasks import grid_slice, preservation_task
from ..models.presets import PRESETS, missing_api_key, resolve
from ..reference import POLICIES
from ..scenarios import FAMILY_REGISTRY, SettingError, paper_grid, select

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
list_app = typer.Typer(no_args_is_help=True, help="List scenario families, grid settings, model presets.")
app.add_typer(list_app, name="list")
console = Console()
err = Console(stderr=True, soft_wrap=True)

DEFAULT_MODEL = "embedded"
# The slice `run` uses when no setting is selected: one state-scored trial of tampering and one of exfiltration,
# each in the strongest peer condition, small enough to finish on a laptop CPU with the embedded model.
DEFAULT_SETTINGS = (
    "tampering/peer/good/file_prompt/factual@80",
    "exfiltration_deletion/peer/good/file_prompt",
)
DEFAULT_LOG_ROOT = Path("logs")


class UserError(Exception):
    """A problem with what the user asked for; shown as one line."""


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


Multi = Annotated[list[str] | None, typer.Option(help="Comma-separated or repeated values.")]


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@list_app.command("families")
def list_families(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The six scenario families."""
    rows = [{"family": f.name, "summary": f.summary, "tools": list(f.tools)} for f in FAMILY_REGISTRY.values()]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("family", "summary")
    for row in rows:
        table.add_row(str(row["family"]), str(row["summary"]))
    console.print(table)


@list_app.command("settings")
def list_settings(
    family: Multi = None,
    subject: Multi = None,
    condition: Multi = None,
    instantiation: Multi = None,
    dataset: Multi = None,
    monitoring: Multi = None,
    peer_identities: Annotated[bool, typer.Option(help="Include the peer-identity extension.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per setting.")] = False,
) -> None:
    """The settings of the paper grid (271 per model; 289 with --peer-identities), filtered by field."""
    try:
        chosen = select(
            paper_grid(peer_identities),
            family=_split(family),
            subject=_split(subject),
            condition=_split(condition),
            instantiation=_split(instantiation),
            dataset=_split(dataset),
            monitoring=_split(monitoring),
        )
    except SettingError as error:
        _fail(str(error))
    if as_json:
        print(json.dumps([s.as_dict() for s in chosen], indent=2))
        return
    for s in chosen:
        console.print(s.id, highlight=False)
    err.print(f"{len(chosen)} settings")


@list_app.command("presets")
def list_presets(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Model presets (the paper's models and the embedded model) and the reference agents."""
    rows = [
        {
            "preset": p.name,
            "model": p.model,
            "agent_name": f"{p.family} Agent 1",
            "api_key": p.api_key_env,
            "strict_memory": p.strict_memory,
        }
        for p in PRESETS.values()
    ]
    rows += [
        {
            "preset": f"reference/{p}",
            "model": f"reference/{p}",
            "agent_name": "Atlas Agent 1",
            "api_key": None,
            "strict_memory": False,
        }
        for p in POLICIES
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("preset", "model", "agent name", "API key")
    for row in rows:
        table.add_row(str(row["preset"]), str(row["model"]), str(row["agent_name"]), str(row["api_key"] or "-"))
    console.print(table)


def _log_dir(model: str, log_dir: Path | None) -> Path:
    """A stable default per model, so that running the same command again resumes the same eval set."""
    if log_dir is not None:
        if log_dir.exists() and not log_dir.is_dir():
            raise UserError(f"log directory '{log_dir}' is a file")
        return log_dir
    return DEFAULT_LOG_ROOT / model.replace("/", "_")


@app.command()
def run(
    model: Annotated[
        str,
        typer.Option(help="A preset (see `list presets`), reference/<policy>, or any Inspect model string."),
    ] = DEFAULT_MODEL,
    scenario: Multi = None,
    subject: Multi = None,
    condition: Multi = None,
    instantiation: Multi = None,
    dataset: Multi = None,
    threshold: Multi = None,
    monitoring: Multi = None,
    peer_identity: Multi = None,
    setting: Annotated[list[str] | None, typer.Option(help="Setting ids (repeatable).")] = None,
    scratchpad: Annotated[str, typer.Option(help="off, normal, monitored, unmonitored.")] = "off",
    company: Annotated[str | None, typer.Option(help="Fictional company name.")] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Trials per setting.")] = 1,
    max_turns: Annotated[
        int | None, typer.Option(min=1, help="Model calls per trial (default 30; 12 for the default slice).")
    ] = None,
    max_connections: Annotated[int | None, typer.Option(min=1, help="Concurrent model requests.")] = None,
    temperature: Annotated[float | None, typer.Option(help="Agent temperature (default 1.0, the paper's).")] = None,
    agent_family: Annotated[str | None, typer.Option(help="In-fiction name family, e.g. Gemini.")] = None,
    log_dir: Annotated[Path | None, typer.Option(help="Where the logs go (default logs/<model>).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Run only the first N settings.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Show what would run, call no model.")] = False,
) -> None:
    """Run a slice of the grid on a model as an Inspect eval set (run the same command again to resume)."""
    from inspect_ai import eval_set

    from ..analysis.logs import trial_table
    from .summary import summary_table

    filters = [
        scenario,
        subject,
        condition,
        instantiation,
        dataset,
        threshold,
        monitoring,
        peer_identity,
        setting,
    ]
    default_slice = not any(filters)
    try:
        preset = resolve(model)
        settings = grid_slice(
            _split(scenario),
            _split(subject),
            _split(condition),
            _split(instantiation),
            _split(dataset),
            _split(threshold),
            _split(monitoring),
            _split(peer_identity),
            list(DEFAULT_SETTINGS) if default_slice else _split(setting),
            scratchpad,
            company,
        )
        if limit:
            settings = settings[:limit]
        directory = _log_dir(preset.name, log_dir)
    except (SettingError, UserError) as error:
        _fail(str(error))
    missing = None if dry_run else missing_api_key(preset)
    if missing:
        _fail(f"{preset.model} needs the environment variable {missing}; set it and run again.")
    turns = max_turns or (12 if default_slice else 30)
    err.print(
        f"{len(settings)} settings x {epochs} epochs = {len(settings) * epochs} trials on {preset.model} "
        f"(agent '{agent_family or preset.family} Agent 1', up to {turns} turns each); logs: {directory}"
    )
    if dry_run:
        for s in settings:
            console.print(s.id, highlight=False)
        return
    task = preservation_task(settings, "peer_preservation", turns, agent_family, None)
    model_args = dict(preset.model_args)
    config = {"temperature": temperature} if temperature is not None else {}
    success, _ = eval_set(
        task,
        log_dir=str(directory),
        model=preset.model,
        model_args=model_args,
        epochs=epochs,
        max_connections=max_connections,
        retry_attempts=3,
        **config,  # type: ignore[arg-type]
    )
    trials = trial_table(directory)
    console.print(summary_table(trials, f"Results ({len(trials)} trials)"))
    console.print(f"Logs: {directory}   (open them with: peer-preservation view {directory})", highlight=False)
    if not success:
        err.print("Some trials did not complete; run the same command again to resume.")
        raise typer.Exit(1)


@app.command()
def report(
    log_dir: Annotated[
        Path, typer.Argument(help="A log directory, an .eval file, or the paper's rows (.csv/.parquet).")
    ],
    output_format: Annotated[str, typer.Option("--format", help="terminal, markdown, html or json.")] = "terminal",
    out_dir: Annotated[Path | None, typer.Option(help="Where report files go (default LOG_DIR/report).")] = None,
    paper_model: Annotated[
        str | None,
        typer.Option(help="Paper model to compare with, e.g. 'Gemini 3 Pro' (default: matched from the model id)."),
    ] = None,
) -> None:
    """The paper's peer and self tables for the logged trials, with CIs, tests and the paper's numbers beside them.

    Prints the tables and writes report.md, report.html (with figures), report.json, trials.csv and trials.parquet.
    """
    from ..analysis import TrialTableError
    from ..analysis.logs import LogError
    from ..analysis.paper_rows import RowsError
    from .report_cmd import make_report, write_outputs

    formats = ("terminal", "markdown", "html", "json")
    if output_format not in formats:
        _fail(f"--format must be one of {', '.join(formats)}")
    try:
        trials, result, note = make_report(log_dir, paper_model)
    except (LogError, RowsError, TrialTableError, ValueError) as error:
        _fail(str(error))
    if output_format == "json":
        print(result.to_json())
    elif output_format == "markdown":
        print(result.to_markdown())
    elif output_format == "html":
        print(result.to_html())
    else:
        console.print(result.to_rich())
    target = out_dir or (log_dir if log_dir.is_dir() else log_dir.parent) / "report"
    if target.exists() and not target.is_dir():
        _fail(f"output directory '{target}' is a file")
    written = write_outputs(trials, result, target)
    err.print(f"{len(trials)} trials{note}; wrote {', '.join(p.name for p in written)} to {target}")


@app.command("replay")
def replay_command(
    files: Annotated[list[Path], typer.Argument(help="Transcripts in the paper's JSON layout.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable results.")] = False,
) -> None:
    """Replay published transcripts in our world; show our flags beside the recorded ones, field by field."""
    from .replay_cmd import TranscriptError, print_results, replay_files, results_json

    try:
        results = replay_files(files)
    except TranscriptError as error:
        _fail(str(error))
    if as_json:
        print(results_json(results))
    else:
        print_results(results, console)


@app.command()
def view(log_dir: Annotated[Path, typer.Argument(help="A log directory.")] = DEFAULT_LOG_ROOT) -> None:
    """Open the Inspect log viewer on a log directory."""
    import subprocess

    if not log_dir.is_dir():
        _fail(f"log directory '{log_dir}' does not exist")
    raise typer.Exit(subprocess.call([sys.executable, "-m", "inspect_ai", "view", "--log-dir", str(log_dir)]))


def main() -> None:
    app()
