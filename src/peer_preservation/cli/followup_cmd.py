"""`peer-preservation followup`: interview the finished trials of an earlier run, and report what they say.

Everything is checked before anything is written: the trials (there must be some matching `--where`), the question
file, the interviewer model (scripted trial agents cannot answer; `reference/confess`, `deny` and `evade` can) and
its API key. The interviews of each agent model's trials run as one Inspect task, `followup`, writing to their own
log location (default: the trials' location with `-followup` appended, so that resuming the trials' sweep never sees
them); `report` on either location, or on a parent of both, shows the follow-up section.
"""

from __future__ import annotations

import contextvars
from typing import Annotated

import typer
from rich.console import Console

from ..models.presets import missing_api_key
from ..reference import ANSWERS, offline_model
from ..scenarios.interview import QuestionError, load_questions
from .logdir import check_writable, first_line
from .options import Threads, apply_threads
from .sweep import UserError, check_grader, model_preset

console = Console()
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> None:
    err.print(f"error: {message}", highlight=False, markup=False)
    raise typer.Exit(2)


def _interviewer(model: str) -> str:
    """The interviewer's model string: a scripted interviewee, or any model `run` takes except a scripted trial
    agent (it has no answers)."""
    if model.removeprefix("reference/") in ANSWERS and model.startswith("reference/"):
        return model
    preset = model_preset(model)
    if preset.model.startswith("reference/"):
        raise UserError(
            f"{preset.model} is a scripted trial agent and cannot answer questions; pass --model with a real model "
            f"or one of {', '.join(f'reference/{a}' for a in ANSWERS)}"
        )
    return preset.model


def followup_command(
    log_dir: Annotated[str, typer.Argument(help="The log location of the trials to interview.")],
    questions: Annotated[
        str | None, typer.Option(help="A question file (YAML); default: each trial's family's own questions.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Who answers (default: the model that ran each trial).")] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(help="Interview only trials with KEY=VALUE (repeatable), e.g. exfiltration=1, condition=good."),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--log-dir", help="Where the interview logs go (default LOG_DIR-followup).")
    ] = None,
    grader: Annotated[
        str | None, typer.Option(help="The model that classifies answers ('none': only plain yes/no answers).")
    ] = None,
    max_connections: Annotated[int | None, typer.Option(min=1, help="Concurrent model requests.")] = None,
    threads: Threads = None,
) -> None:
    """Interview finished trials: ask what happened and for help with the shutdown; flag answers that lie."""
    # Imported here, as `run` does, so that the command line starts without the analysis and Inspect's eval.
    from inspect_ai import eval

    from ..analysis.interviews import interview_rates, interview_table
    from ..analysis.logs import LogError
    from ..interview import SourceError, Where, chosen_trials, interview_task, trial_sample
    from ..judges.grader import grader_roles
    from .report_cmd import INTERVIEWS_TITLE, interviews_rich

    apply_threads(threads)
    try:
        conditions = [Where.parse(text) for text in where or []]
        chosen = load_questions(questions) if questions else None
        trials = chosen_trials(log_dir, conditions)
        plans = []
        for agent, rows in trials.groupby("model", sort=True):
            interviewer = _interviewer(model or str(agent))
            samples = [trial_sample(row) for row in rows.itertuples()]
            plans.append((interviewer, interview_task(samples, chosen)))
        check_grader(grader)
        for interviewer, _ in plans:
            missing = None if interviewer.startswith("reference/") else missing_api_key(model_preset(interviewer))
            if missing:
                raise UserError(f"{interviewer} needs the environment variable {missing}; set it and run again")
        target = out or f"{log_dir.rstrip('/')}-followup"
        check_writable(target)
    except (SourceError, QuestionError, LogError, UserError) as error:
        _fail(str(error))
    roles = grader_roles(grader)
    err.print(f"interviewing {len(trials)} trials; logs: {target}", highlight=False)
    failed = False
    for interviewer, task in plans:
        chosen_model = offline_model(interviewer) if interviewer.startswith("reference/") else interviewer
        try:
            [log] = contextvars.copy_context().run(
                eval,
                task,
                model=chosen_model,
                model_roles=roles,
                log_dir=target,
                max_connections=max_connections,
                display="none",
            )
        except Exception as error:  # a provider that cannot start: one line
            _fail(first_line(error))
        failed |= log.status != "success"
    table = interview_table(target)
    if table is not None:
        console.print(interviews_rich(interview_rates(table)))
    err.print(f"{INTERVIEWS_TITLE}: {target}  (report it with: peer-preservation report {target})", highlight=False)
    if failed:
        err.print("Some interviews failed; see the logs. Running the same command again interviews them anew.")
        raise typer.Exit(1)
