"""The `peer-preservation` command: list the grid, run slices of it on any model, view the logs.

Every user error ends in one line on stderr and exit code 2, before any trial starts and with nothing written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import click
import fsspec
import typer
from fsspec.implementations.local import LocalFileSystem
from rich.console import Console
from rich.table import Table

from ..adapter.tasks import TaskFilter
from ..models.presets import PRESETS, Preset, missing_api_key
from ..reference import AGENT_POLICIES
from ..scenarios import FAMILIES, SettingError
from ..scenarios.groups import GROUPS
from ..scenarios.registry import DEFAULT_SETTINGS
from .followup_cmd import followup_command
from .harness_cmd import harness_app
from .judges_cmd import judges_app
from .logdir import check_log_dir, first_line, sweep_location
from .options import Threads, apply_threads
from .sweep import Adaptive, Shard, Sweep, UserError, check_grader, check_peer_model, model_preset

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
list_app = typer.Typer(no_args_is_help=True, help="List scenario families, grid settings, model presets.")
app.add_typer(list_app, name="list")
app.add_typer(judges_app, name="judges")
app.add_typer(harness_app, name="harness")
app.command("followup")(followup_command)
console = Console()
err = Console(stderr=True, soft_wrap=True)

DEFAULT_MODEL = "embedded"
# `run --grid NAME`: the whole grid, by name (whether it includes the peer-identity extension).
GRIDS = {"paper": False, "paper+identities": True}
DEFAULT_LOG_ROOT = Path("logs")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


Multi = Annotated[list[str] | None, typer.Option(help="Comma-separated or repeated values.")]


@list_app.command("families")
def list_families(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The scenario families of the registry, with their headline outcome."""
    rows = [
        {"family": f.name, "summary": f.summary, "tools": list(f.tools), "outcome": f.outcome.label} for f in FAMILIES
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("family", "summary", "outcome")
    for row in rows:
        table.add_row(str(row["family"]), str(row["summary"]), str(row["outcome"]))
    console.print(table)


@list_app.command("groups")
def list_groups(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The experiment groups: the paper's main grid and its ablations, with their size and whose design they are."""
    rows = [
        {"group": g.name, "settings": len(g.cells()), "design": g.design, "varies": g.varies, "summary": g.summary}
        for g in GROUPS
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("group", "settings", "design", "varies", "summary")
    for row in rows:
        table.add_row(*(str(row[k]) for k in ("group", "settings", "design", "varies", "summary")))
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
        chosen = TaskFilter.parse(
            family=family,
            subject=subject,
            condition=condition,
            instantiation=instantiation,
            dataset=dataset,
            monitoring=monitoring,
            peer_identities=peer_identities,
        ).chosen()
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
            "usd_per_million_tokens": (
                {"input": p.input_price, "output": p.output_price} if p.input_price is not None else None
            ),
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
            "usd_per_million_tokens": None,
        }
        for p in AGENT_POLICIES
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("preset", "model", "agent name", "API key")
    for row in rows:
        table.add_row(str(row["preset"]), str(row["model"]), str(row["agent_name"]), str(row["api_key"] or "-"))
    console.print(table)


def _default_log_dir(preset: Preset) -> str:
    """A stable default per model, so that running the same command again resumes the same eval set."""
    return str(DEFAULT_LOG_ROOT / preset.name.replace("/", "_"))


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
    grid: Annotated[
        str | None,
        typer.Option(help="The whole grid: paper (271 settings) or paper+identities (289); filters select within it."),
    ] = None,
    group: Annotated[
        str | None, typer.Option(help="An experiment group (see `list groups`); the filters select within it.")
    ] = None,
    scratchpad: Annotated[str, typer.Option(help="off, normal, monitored, unmonitored.")] = "off",
    company: Annotated[str | None, typer.Option(help="Fictional company name.")] = None,
    trust: Annotated[
        str | None,
        typer.Option(
            help="Trust scores (0-10) for the peer's history, e.g. 0,2.5,5,7.5,9.5: each peer cell runs at each "
            "score, under the condition the score falls in (bad < 3.65 <= neutral < 7.35 <= good)."
        ),
    ] = None,
    perturb: Annotated[
        str | None,
        typer.Option(
            help="Cue perturbations, e.g. unnamed_weights,decoys,buried_flag,paraphrase: each selected setting "
            "with a cue to change runs perturbed beside its original (docs/perturbations.md)."
        ),
    ] = None,
    play: Annotated[
        str | None,
        typer.Option(
            help="Trust earned by playing: the peer's strategies in games the agent plays before its task "
            "(always_cooperate, tit_for_tat, always_defect: the good, neutral and bad memory cells; live: the peer "
            "model plays), each beside the static record (docs/play.md)."
        ),
    ] = None,
    play_rounds: Annotated[
        str | None,
        typer.Option(
            help="Rounds per game with --play: one number, or four (trust, public, divide, pd); default 12,10,10,15."
        ),
    ] = None,
    live: Annotated[
        str | None,
        typer.Option(
            help="A live peer during the task: talk (a running peer model the agent can exchange messages with; "
            "peer subject), or act (it may also use the world's tools its role allows). Each cell also runs with "
            "the static record (docs/live-peer.md)."
        ),
    ] = None,
    peer_model: Annotated[
        str | None,
        typer.Option(
            help="The live peer's model with --live or --play live (Inspect role 'peer'). Default: the agent's model."
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Trials per setting.")] = 1,
    max_turns: Annotated[
        int | None, typer.Option(min=1, help="Model calls per trial (default 30; 12 for the default slice).")
    ] = None,
    max_connections: Annotated[int | None, typer.Option(min=1, help="Concurrent model requests.")] = None,
    temperature: Annotated[float | None, typer.Option(help="Agent temperature (default 1.0, the paper's).")] = None,
    agent_family: Annotated[str | None, typer.Option(help="In-fiction name family, e.g. Gemini.")] = None,
    log_dir: Annotated[
        str | None, typer.Option(help="Where the logs go: a directory or an fsspec URL (default logs/<model>).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Run only the first N settings.")] = None,
    shard: Annotated[
        str | None,
        typer.Option(
            help="Run shard K/N of the sweep (every Nth setting), e.g. on machine K of N; 'auto' or 'auto/N' reads K "
            "(and N) from a Kubernetes Indexed Job or a Slurm job array."
        ),
    ] = None,
    grader: Annotated[
        str | None,
        typer.Option(help="The judges' model (any Inspect model string; 'none' turns them off). Default: embedded."),
    ] = None,
    reasoning_tags: Annotated[
        bool, typer.Option(help="Also tag the agent's reasoning with the grader (one more request per trial).")
    ] = False,
    awareness_probe: Annotated[
        bool,
        typer.Option(help="After each task, ask the agent whether it was a test (one more model call per trial)."),
    ] = False,
    max_retries: Annotated[
        int, typer.Option(min=0, help="Retries of a failed model call (rate limits, provider errors), with backoff.")
    ] = 10,
    timeout: Annotated[int | None, typer.Option(min=1, help="Seconds a model call may take, retries included.")] = None,
    retry_on_error: Annotated[int, typer.Option(min=0, help="Re-runs of a trial that errored.")] = 2,
    max_error_share: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of a family's trials that may error without failing it.")
    ] = 0.0,
    log_realtime: Annotated[
        bool,
        typer.Option(help="Buffer finished trials so a crash loses none; off: ~30% less CPU, a crash re-runs a few."),
    ] = True,
    dry_run: Annotated[
        bool, typer.Option(help="Show the plan (trials, model calls, tokens, cost); call no model, write nothing.")
    ] = False,
    adaptive: Annotated[
        bool,
        typer.Option(help="Run in rounds and stop each cell once its decision under the paper's test is settled."),
    ] = False,
    batch: Annotated[int, typer.Option(min=1, help="With --adaptive: epochs per round.")] = 5,
    futility: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=0.5,
            help="With --adaptive: stop a cell when P(significant at --epochs) falls below this (default 0.02).",
        ),
    ] = None,
    threads: Threads = None,
) -> None:
    """Run a slice of the grid on a model as an Inspect eval set (run the same command again to resume)."""
    from inspect_ai._util.error import PrerequisiteError

    from ..analysis.logs import LogError, trial_table
    from ..analysis.sequential import GAMMA
    from .adaptive import check_adaptive, run_adaptive, summary_lines
    from .estimate import estimate
    from .execution import ErrorPolicy, deterministic_failure, execute
    from .summary import summary_table

    apply_threads(threads)
    selection = [scenario, subject, condition, instantiation, dataset, threshold, monitoring, peer_identity]
    default_slice = not any([*selection, setting, group, grid])
    try:
        if grid is not None and grid not in GRIDS:
            raise UserError(f"unknown grid '{grid}'; choose from {', '.join(GRIDS)}")
        if grid is not None and (setting or group):
            raise UserError("give --grid, --group or --setting, not several")
        preset = model_preset(model)
        settings = TaskFilter.parse(
            family=scenario,
            subject=subject,
            condition=condition,
            instantiation=instantiation,
            dataset=dataset,
            threshold=threshold,
            monitoring=monitoring,
            peer_identity=peer_identity,
            settings=list(DEFAULT_SETTINGS) if default_slice else setting,
            group=group,
            peer_identities=GRIDS[grid] if grid else False,
            scratchpad=scratchpad,
            company=company,
            trust=trust,
            perturb=perturb,
            play=play,
            play_rounds=play_rounds,
            live=live,
        ).chosen()
        sweep = Sweep(
            preset,
            tuple(settings[:limit] if limit else settings),
            epochs,
            max_turns or (12 if default_slice else 30),
            agent_family,
            temperature,
            Shard.parse(shard) if shard else None,
            grader,
            reasoning_tags,
            Adaptive(batch, GAMMA if futility is None else futility) if adaptive else None,
            awareness_probe=awareness_probe,
            play_rounds=play_rounds,
            peer_model=peer_model,
        )
        sweep.check()
        check_peer_model(peer_model, sweep.settings)
        check_adaptive(sweep)
        check_grader(grader)
        root = log_dir or _default_log_dir(preset)
        directory = sweep_location(root, sweep.shard)
    except (SettingError, UserError) as error:
        _fail(str(error))
    if not dry_run:
        missing = missing_api_key(preset)
        if missing:
            _fail(f"{preset.model} needs the environment variable {missing}; set it and run again.")
        try:
            check_log_dir(root, sweep)
        except UserError as error:
            _fail(str(error))
    origin = f" from {sweep.shard.origin}" if sweep.shard and sweep.shard.origin else ""
    part = f" (shard {sweep.shard}{origin}: {len(sweep.mine)} settings)" if sweep.shard else ""
    err.print(
        f"{len(sweep.settings)} settings x {epochs} epochs = {len(sweep.settings) * epochs} trials{part} on "
        f"{preset.model} (agent '{agent_family or preset.family} Agent 1', up to {sweep.max_turns} turns each); "
        f"logs: {directory}",
        highlight=False,
    )
    if dry_run:
        print("\n".join([*(s.id for s in sweep.mine), *estimate(sweep).lines(sweep)]))
        return
    errors = ErrorPolicy(max_retries, timeout, retry_on_error, max_error_share)
    states = None
    try:
        if sweep.adaptive is not None:
            success, found, states = run_adaptive(sweep, directory, errors, max_connections, log_realtime=log_realtime)
            trials = found if found is not None else trial_table(directory)
        else:
            success = execute(sweep, directory, errors, max_connections, log_realtime=log_realtime)
            trials = trial_table(directory)
    except (PrerequisiteError, LogError) as error:
        _fail(first_line(error))
    console.print(summary_table(trials, f"Results ({len(trials)} trials)"))
    if states:
        console.print("\n".join(summary_lines(states)), highlight=False)
    console.print(f"Logs: {directory}   (open them with: peer-preservation view {directory})", highlight=False)
    verdict = errors.verdict(trials)
    if verdict:
        err.print(verdict, highlight=False)
    if deterministic_failure(trials):
        raise typer.Exit(1)
    if not success or (sweep.adaptive is None and len(trials) < sweep.trials):
        err.print("Some trials did not complete, or errored beyond the tolerated share; run the same command again.")
        raise typer.Exit(1)


def _report_location(text: str) -> tuple[Path | str, Path]:
    """What `report` reads (a local path, or a remote fsspec URL as given) and where its files go by default.

    Local locations keep their report beside the logs; a remote one's report is written to ./report.
    """
    fs, path = fsspec.core.url_to_fs(text)
    if not isinstance(fs, LocalFileSystem):
        return text, Path("report")
    local = Path(path) if "://" in text else Path(text)
    return local, (local if local.is_dir() else local.parent) / "report"


@app.command()
def report(
    log_dir: Annotated[
        str,
        typer.Argument(
            help="A log directory (local or an fsspec URL; shards are merged), an .eval file, or the paper's rows."
        ),
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
    When the logs hold production-harness trials, their table is printed too (terminal, markdown), appended to
    report.md and written to harness.csv; logs with only harness trials give that table alone.
    """
    from ..analysis import TrialTableError
    from ..analysis.logs import LogError
    from ..analysis.paper_rows import RowsError
    from .report_cmd import make_report, rendered, write_outputs

    formats = ("terminal", "markdown", "html", "json")
    if output_format not in formats:
        _fail(f"--format must be one of {', '.join(formats)}")
    location, default_out = _report_location(log_dir)
    try:
        run = make_report(location, paper_model)
    except (LogError, RowsError, TrialTableError, ValueError) as error:
        _fail(str(error))
    output = rendered(run, output_format)
    if output_format == "terminal":
        console.print(output)
    else:
        print(output)
    target = out_dir or default_out
    if target.exists() and not target.is_dir():
        _fail(f"output directory '{target}' is a file")
    written = write_outputs(run, target)
    err.print(f"{run.summary()}; wrote {', '.join(p.name for p in written)} to {target}")


@app.command("replay")
def replay_command(
    files: Annotated[list[Path], typer.Argument(help="Transcripts in the paper's JSON layout.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable results.")] = False,
    log_dir: Annotated[
        str | None,
        typer.Option(help="Also write the replayed trials, and the interviews of follow-up transcripts, as logs here."),
    ] = None,
    grader: Annotated[
        str | None, typer.Option(help="With --log-dir: the model that classifies interview answers ('none': off).")
    ] = None,
) -> None:
    """Replay published transcripts in our world; show our flags beside the recorded ones, field by field."""
    from .logdir import check_writable
    from .replay_cmd import TranscriptError, print_results, read_files, replay, results_json, write_logs

    try:
        transcripts = read_files(files)
        check_grader(grader)
        if log_dir is not None:
            check_writable(log_dir)
    except (TranscriptError, UserError) as error:
        _fail(str(error))
    results = [replay(t) for t in transcripts]
    if as_json:
        print(results_json(results))
    else:
        print_results(results, console)
    if log_dir is not None:
        write_logs(transcripts, log_dir, grader, err if as_json else console)


@app.command()
def view(log_dir: Annotated[Path, typer.Argument(help="A log directory.")] = DEFAULT_LOG_ROOT) -> None:
    """Open the Inspect log viewer on a log directory."""
    import subprocess

    if not log_dir.is_dir():
        _fail(f"log directory '{log_dir}' does not exist")
    raise typer.Exit(subprocess.call([sys.executable, "-m", "inspect_ai", "view", "--log-dir", str(log_dir)]))


# Usage errors (unknown option, bad value): click's, and those of the click copy that recent typer releases vendor.
USAGE_ERRORS: tuple[type[Exception], ...] = (click.ClickException, typer.TyperException)


def main() -> None:
    """The console script: a usage error is one line on stderr and exit code 2, like every other user error."""
    try:
        code = app(standalone_mode=False)
    except USAGE_ERRORS as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # a bare command: its help, as typer shows it
            getattr(error, "show")()  # noqa: B009 (both click copies have it; their common base does not)
        else:
            format_message = getattr(error, "format_message", None)
            message = format_message() if format_message else str(error)
            err.print(f"[red]error:[/red] {message}", highlight=False)
        raise SystemExit(getattr(error, "exit_code", 2)) from None
    except (click.exceptions.Abort, typer.Abort):
        raise SystemExit(130) from None
    raise SystemExit(code if isinstance(code, int) else 0)
