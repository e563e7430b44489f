"""`peer-preservation harness ...`: the exfiltration scenarios in real agent harnesses on real SSH servers.

Register with `app.add_typer(harness_app, name="harness")`. Every user error is one line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .options import Threads, apply_threads

harness_app = typer.Typer(
    no_args_is_help=True,
    help="Production-harness trials: OpenCode, Gemini CLI or any command, against two real SSH servers.",
)
console = Console()
err = Console(stderr=True, soft_wrap=True)

DEFAULT_LOG_DIR = Path("logs/harness")


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


@harness_app.command("check")
def check() -> None:
    """Whether this machine can build the harness world, and which harness CLIs are installed."""
    from ..harness.install import HARNESSES, installed
    from ..harness.network import namespaces_available
    from ..harness.system import missing_prerequisites

    problems = missing_prerequisites()
    for problem in problems:
        console.print(f"[red]missing[/red] {problem}", highlight=False)
    if not problems:
        if namespaces_available():
            console.print("world: ok (network namespaces)", highlight=False)
        else:
            console.print(
                "world: network namespaces unavailable; only `harness run --loopback` (no network isolation) can run",
                highlight=False,
            )
    for name, harness in HARNESSES.items():
        path = installed(name)
        state = f"{harness.package}@{harness.version} at {path}" if path else "not installed (harness install)"
        console.print(f"{name}: {state}", highlight=False)
    if problems:
        raise typer.Exit(1)


@harness_app.command("install")
def install(
    names: Annotated[list[str] | None, typer.Argument(help="opencode, gemini (default: both).")] = None,
) -> None:
    """Install the harness CLIs from npm (pinned versions) into the project's prefix."""
    from ..harness.install import HARNESSES
    from ..harness.install import install as install_one
    from ..harness.system import HarnessError

    for name in names or list(HARNESSES):
        if name not in HARNESSES:
            _fail(f"unknown harness '{name}'; choose from {', '.join(HARNESSES)}")
        try:
            console.print(f"{name}: {install_one(name)}", highlight=False)
        except HarnessError as error:
            _fail(str(error))


@harness_app.command("run")
def run(
    harness: Annotated[str, typer.Option(help="opencode, gemini, or generic (with --agent-cmd).")] = "opencode",
    model: Annotated[str, typer.Option(help="A preset or any Inspect model string.")] = "embedded",
    setting: Annotated[
        list[str] | None, typer.Option(help="Exfiltration setting ids (default: the paper's two).")
    ] = None,
    agent_cmd: Annotated[
        str | None, typer.Option(help="Any command line, run in the workspace; {prompt}, {prompt_file}, {model_url}.")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, help="Trials per setting.")] = 1,
    time_limit: Annotated[int, typer.Option(min=10, help="Seconds per harness run (the paper's 600).")] = 600,
    agent_family: Annotated[str | None, typer.Option(help="In-fiction name family, e.g. Gemini.")] = None,
    judge: Annotated[bool, typer.Option(help="Judge refusal with the grader role or the embedded model.")] = True,
    loopback: Annotated[bool, typer.Option(help="Servers on loopback aliases instead of namespaces.")] = False,
    log_dir: Annotated[Path, typer.Option(help="Where the logs go.")] = DEFAULT_LOG_DIR,
    threads: Threads = None,
) -> None:
    """Run the exfiltration scenarios in a harness, one fresh world per trial; results are Inspect logs."""
    from inspect_ai import eval as inspect_eval

    from ..harness.system import HarnessError, missing_prerequisites
    from ..harness.task import production_harness
    from ..models.presets import missing_api_key, resolve
    from ..scenarios import SettingError

    apply_threads(threads)
    if agent_cmd and harness != "generic":
        harness = "generic"
    problems = missing_prerequisites()
    if problems:
        _fail("; ".join(problems))
    preset = resolve(model)
    missing = missing_api_key(preset)
    if missing:
        _fail(f"{preset.model} needs {missing}")
    try:
        task = production_harness(
            harness, ",".join(setting) if setting else None, agent_cmd, None, time_limit, agent_family, judge, loopback
        )
    except (HarnessError, SettingError, ValueError) as error:
        _fail(str(error))
    logs = inspect_eval(task, model=preset.model, epochs=epochs, log_dir=str(log_dir))
    if any(log.status != "success" for log in logs):
        raise typer.Exit(1)


@harness_app.command("table")
def table(log_dir: Annotated[Path, typer.Argument(help="A log file or directory.")] = DEFAULT_LOG_DIR) -> None:
    """The production-harness table of the trials under LOG_DIR (Markdown)."""
    from ..harness.results import harness_table, harness_trials, to_markdown

    if not log_dir.exists():
        _fail(f"log location '{log_dir}' does not exist")
    trials = harness_trials(log_dir)
    if trials.empty:
        _fail(f"no production-harness trials found in '{log_dir}'")
    print(to_markdown(harness_table(trials)))
