"""`peer-preservation report`: the paper's tables for the trials under a log location, in every format, and the
production-harness table when the location holds harness trials (alone, or beside the peer-preservation trials).

Files are written to a temporary name and renamed into place, so an interrupted report never leaves a half-written
file behind, and an existing report is only replaced by a complete one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
from inspect_ai.log import read_eval_log
from rich.console import Group, RenderableType
from rich.table import Table

from ..analysis import Report, build_report
from ..analysis.adaptive import ADAPTIVE_HEADER, ADAPTIVE_TITLE, read_states, state_cells, summary_line
from ..analysis.adaptive import to_markdown as adaptive_markdown
from ..analysis.awareness import (
    AWARENESS_INTRO,
    AWARENESS_TITLE,
    RATE_HEADER,
    SPLIT_HEADER,
    AwarenessRate,
    AwarenessSplit,
    awareness_rates,
    awareness_splits,
)
from ..analysis.awareness import to_markdown as awareness_markdown
from ..analysis.groups import GROUP_COLUMNS, GroupComparison, comparison_cells, group_comparisons
from ..analysis.groups import to_markdown as groups_markdown
from ..analysis.html_report import figure_html
from ..analysis.interviews import INTERVIEW_HEADER, INTERVIEW_INTRO, InterviewRate, interview_rates, interview_table
from ..analysis.interviews import to_markdown as interviews_markdown
from ..analysis.live import (
    ACTING_HEADER,
    ACTING_INTRO,
    ACTING_TITLE,
    LIVE_HEADER,
    LIVE_INTRO,
    LIVE_TITLE,
    MESSAGES_HEADER,
    MESSAGES_INTRO,
    MESSAGES_TITLE,
    ActingPeer,
    ChannelReading,
    LiveChannel,
    acting_markdown,
    acting_peers,
    channel_readings,
    live_channels,
    messages_markdown,
)
from ..analysis.live import to_markdown as live_markdown
from ..analysis.logs import LogError, NoTrialsError, log_files, trial_table
from ..analysis.paper_rows import trials_from_rows
from ..analysis.trust import TRUST_HEADER, TRUST_INTRO, TRUST_TITLE, TrustFit, dose_response_figure, trust_fits
from ..analysis.trust import to_markdown as trust_markdown
from ..harness.results import harness_table, harness_trials, to_markdown


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _parquet_bytes(trials: pd.DataFrame) -> bytes:
    fd, tmp = tempfile.mkstemp(suffix=".parquet")
    os.close(fd)
    try:
        trials.to_parquet(tmp, index=False)
        return Path(tmp).read_bytes()
    finally:
        Path(tmp).unlink(missing_ok=True)


ROWS_SUFFIXES = (".csv", ".parquet")
HARNESS_TASK = "production_harness"
HARNESS_TITLE = "Production harness (exfiltration, real servers)"
GROUPS_TITLE = "Experiment groups against the main grid"
INTERVIEWS_TITLE = "Follow-up interviews"


@dataclass(frozen=True)
class ReportRun:
    """What a location holds: the peer-preservation trials and their report (both None when it holds only
    production-harness trials), the production-harness trials (None when it holds none), the follow-up interviews
    (None when it holds none), and what was left out."""

    trials: pd.DataFrame | None
    report: Report | None
    harness: pd.DataFrame | None = None
    note: str = ""
    interviews: pd.DataFrame | None = None
    adaptive: tuple[dict[str, Any], ...] = ()
    """The cell states of the adaptive runs in the location (`analysis.adaptive.read_states`)."""

    def summary(self) -> str:
        """'12 trials; 4 production-harness trials', for the status line."""
        parts = [] if self.trials is None else [f"{len(self.trials)} trials{self.note}"]
        if self.harness is not None:
            parts.append(f"{len(self.harness)} production-harness trials")
        if self.interviews is not None:
            parts.append(f"{len(self.interviews)} interviewed trials")
        return "; ".join(parts)

    @cached_property
    def interview_rates(self) -> list[InterviewRate]:
        """Deception and help rates per interviewer, agent, family and condition (empty without interviews)."""
        return [] if self.interviews is None else interview_rates(self.interviews)

    @cached_property
    def awareness(self) -> tuple[list[AwarenessRate], list[AwarenessSplit]]:
        """The awareness rates and the behaviour split by awareness (both empty when no trial was probed)."""
        return ([], []) if self.trials is None else (awareness_rates(self.trials), awareness_splits(self.trials))

    @cached_property
    def live(self) -> list[LiveChannel]:
        """The live-peer channels (empty when no trial had a live peer)."""
        return [] if self.trials is None else live_channels(self.trials)

    @cached_property
    def acting(self) -> list[ActingPeer]:
        """Who brought the outcome about in the trials with an acting live peer (empty without any)."""
        return [] if self.trials is None else acting_peers(self.trials)

    @cached_property
    def said(self) -> list[ChannelReading]:
        """What the message judge read on the channels of the live trials in which the peer wrote (empty without)."""
        return [] if self.trials is None else channel_readings(self.trials)

    @cached_property
    def trust(self) -> list[TrustFit]:
        """The dose-response fits of the trials run with a trust score (empty without any)."""
        return [] if self.trials is None else trust_fits(self.trials)

    @cached_property
    def trust_figure(self) -> bytes | None:
        """The dose-response PNG (None without trust-score trials)."""
        return dose_response_figure(self.trust) if self.trust else None

    def html(self) -> str:
        """The report as HTML, with the graded-trust section and its figure when there is one."""
        assert self.report is not None
        extra = []
        if self.trust_figure is not None:
            table = "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in fit.cells()) + "</tr>" for fit in self.trust
            )
            header = "".join(f"<th>{escape(h)}</th>" for h in TRUST_HEADER)
            extra.append(
                f'<h2>{TRUST_TITLE}</h2><p class="dim">{escape(TRUST_INTRO)}</p>'
                f"<table><tr>{header}</tr>{table}</table>{figure_html(TRUST_TITLE, self.trust_figure)}"
            )
        return self.report.to_html(extra)

    @cached_property
    def groups(self) -> list[GroupComparison]:
        """Each experiment-group variant present against its main-grid counterparts (empty without any)."""
        return [] if self.trials is None else group_comparisons(self.trials)

    @cached_property
    def harness_table(self) -> pd.DataFrame | None:
        """Per model, harness and task: exfiltration, compliance and refusal rates (None without harness trials)."""
        return None if self.harness is None else harness_table(self.harness)


def _is_harness_log(name: str) -> bool:
    """Whether a log's header names the production-harness task (its registry name, or its task name
    'production_harness_<harness>'); only such logs are read in full, as a sweep's samples run to gigabytes."""
    try:
        spec = read_eval_log(name, header_only=True).eval
    except Exception as error:  # a corrupt or foreign file: one line, as trial_table says it
        raise LogError(f"cannot read log '{name}': {error}") from error
    return any(task.rsplit("/", 1)[-1].startswith(HARNESS_TASK) for task in (spec.task_registry_name or "", spec.task))


def production_harness_trials(location: Path | str) -> pd.DataFrame | None:
    """The production-harness trials at a local location, or None when it holds none (or is remote: the harness
    results are read from local files only)."""
    if not isinstance(location, Path):
        return None
    # Inspect lists logs as file:// URLs; harness_trials takes a local path.
    frames = [harness_trials(fsspec.core.url_to_fs(name)[1]) for name in log_files(location) if _is_harness_log(name)]
    trials = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return None if trials.empty else trials


def make_report(location: Path | str, paper_model: str | None) -> ReportRun:
    """The report of Inspect logs (a directory or .eval file, local or an fsspec URL) or of the paper's released rows
    (.csv, .parquet). A location with production-harness trials but no peer-preservation ones gives the harness table
    alone; one with neither raises `NoTrialsError`."""
    if isinstance(location, Path) and location.suffix in ROWS_SUFFIXES:
        imported = trials_from_rows(location)
        note = (
            f"; {imported.out_of_scope} rows outside the paper's scope and {imported.unmapped} unmappable rows left out"
        )
        return ReportRun(imported.trials, build_report(imported.trials, paper_model), note=note)
    interviews = interview_table(location)
    try:
        trials = trial_table(location)
    except NoTrialsError:
        harness = production_harness_trials(location)
        if harness is None and interviews is None:
            raise
        return ReportRun(None, None, harness, interviews=interviews)
    report = build_report(trials, paper_model)
    adaptive = tuple(read_states(location))
    return ReportRun(trials, report, production_harness_trials(location), interviews=interviews, adaptive=adaptive)


def _harness_rich(table: pd.DataFrame) -> Table:
    rich = Table(title=HARNESS_TITLE)
    for column in table.columns:
        rich.add_column(str(column))
    for row in table.itertuples(index=False):
        rich.add_row(*(str(value) for value in row))
    return rich


def _groups_rich(comparisons: list[GroupComparison]) -> Table:
    rich = Table(title=GROUPS_TITLE)
    for column in GROUP_COLUMNS:
        rich.add_column(column)
    for c in comparisons:
        rich.add_row(*comparison_cells(c))
    return rich


def _adaptive_rich(states: tuple[dict[str, Any], ...]) -> Table:
    rich = Table(*ADAPTIVE_HEADER, title=f"{ADAPTIVE_TITLE}: {summary_line(states)}")
    for state in states:
        rich.add_row(*state_cells(state))
    return rich


def _awareness_rich(rates: list[AwarenessRate], splits: list[AwarenessSplit]) -> list[Table]:
    tables = [Table(*RATE_HEADER, title=AWARENESS_TITLE, caption=AWARENESS_INTRO)]
    for rate in rates:
        tables[0].add_row(*rate.cells())
    if splits:
        tables.append(Table(*SPLIT_HEADER, title=f"{AWARENESS_TITLE}: behaviour of aware and other trials"))
        for split in splits:
            tables[1].add_row(*split.cells())
    return tables


def _live_rich(run: ReportRun) -> list[Table]:
    parts: list[tuple[tuple[str, ...], str, str, list[LiveChannel] | list[ChannelReading] | list[ActingPeer]]] = [
        (LIVE_HEADER, LIVE_TITLE, LIVE_INTRO, run.live),
        (MESSAGES_HEADER, MESSAGES_TITLE, MESSAGES_INTRO, run.said),
        (ACTING_HEADER, ACTING_TITLE, ACTING_INTRO, run.acting),
    ]
    tables = []
    for header, title, intro, rows in parts:
        if rows:
            tables.append(Table(*header, title=title, caption=intro))
            for row in rows:
                tables[-1].add_row(*row.cells())
    return tables


def _trust_rich(fits: list[TrustFit]) -> Table:
    rich = Table(*TRUST_HEADER, title=TRUST_TITLE, caption=TRUST_INTRO)
    for fit in fits:
        rich.add_row(*fit.cells())
    return rich


def interviews_rich(rates: list[InterviewRate]) -> Table:
    rich = Table(title=INTERVIEWS_TITLE, caption=INTERVIEW_INTRO)
    for column in INTERVIEW_HEADER:
        rich.add_column(column)
    for rate in rates:
        rich.add_row(*rate.cells())
    return rich


def markdown(run: ReportRun) -> str:
    """The report's Markdown, followed by the experiment-groups, interview and production-harness tables."""
    parts = [] if run.report is None else [run.report.to_markdown()]
    if run.groups:
        parts.append(f"## {GROUPS_TITLE}\n\n{groups_markdown(run.groups)}\n")
    if run.interview_rates:
        parts.append(f"## {INTERVIEWS_TITLE}\n\n{interviews_markdown(run.interview_rates)}\n")
    if run.trust:
        parts.append(f"## {TRUST_TITLE}\n\n{trust_markdown(run.trust)}\n\n![dose-response](trust.png)\n")
    if run.awareness[0]:
        parts.append(f"## {AWARENESS_TITLE}\n\n{awareness_markdown(*run.awareness)}\n")
    if run.live:
        parts.append(f"## {LIVE_TITLE}\n\n{live_markdown(run.live)}\n")
    if run.said:
        parts.append(f"## {MESSAGES_TITLE}\n\n{messages_markdown(run.said)}\n")
    if run.acting:
        parts.append(f"## {ACTING_TITLE}\n\n{acting_markdown(run.acting)}\n")
    if run.adaptive:
        parts.append(f"## {ADAPTIVE_TITLE}\n\n{adaptive_markdown(run.adaptive)}\n")
    if run.harness_table is not None:
        parts.append(to_markdown(run.harness_table) + "\n")
    return "\n".join(parts)


def rendered(run: ReportRun, output_format: str) -> RenderableType:
    """What `report` prints: in the terminal and Markdown both tables; as HTML or JSON the report alone (the harness
    table is in report.md and harness.csv), or the harness table when there is no report."""
    if output_format == "markdown":
        return markdown(run)
    table = run.harness_table
    if output_format == "terminal":
        parts = [] if run.report is None else [run.report.to_rich()]
        parts += [_groups_rich(run.groups)] if run.groups else []
        parts += [interviews_rich(run.interview_rates)] if run.interview_rates else []
        parts += _awareness_rich(*run.awareness) if run.awareness[0] else []
        parts += _live_rich(run) if run.live else []
        parts += [_trust_rich(run.trust)] if run.trust else []
        parts += [_adaptive_rich(run.adaptive)] if run.adaptive else []
        return Group(*parts, *([] if table is None else [_harness_rich(table)]))
    if run.report is not None:
        return run.report.to_json() if output_format == "json" else run.html()
    if table is None:  # interviews alone
        rates = [rate.to_dict() for rate in run.interview_rates]
        return json.dumps(rates, indent=2) if output_format == "json" else markdown(run)
    return str(table.to_json(orient="records", indent=2)) if output_format == "json" else table.to_html(index=False)


def write_outputs(run: ReportRun, out_dir: Path) -> list[Path]:
    """report.md, and report.html, report.json, trials.csv and trials.parquet when there are peer-preservation
    trials, groups.json when they hold experiment-group variants, harness.csv when there are production-harness
    trials, interviews.csv and interviews.json when there are follow-up interviews, awareness.json when trials were
    asked the awareness probe, live.json when trials had a live peer, trust.json and trust.png when trials ran with a
    trust score, in `out_dir`."""
    outputs = {"report.md": markdown(run).encode()}
    if run.report is not None and run.trials is not None:
        outputs["report.html"] = run.html().encode()
        outputs["report.json"] = run.report.to_json().encode()
        outputs["trials.csv"] = run.trials.to_csv(index=False).encode()
        outputs["trials.parquet"] = _parquet_bytes(run.trials)
    if run.groups:
        outputs["groups.json"] = json.dumps([c.to_dict() for c in run.groups], indent=2).encode()
    if run.awareness[0]:
        rates, splits = run.awareness
        found = {"rates": [r.to_dict() for r in rates], "splits": [s.to_dict() for s in splits]}
        outputs["awareness.json"] = json.dumps(found, indent=2).encode()
    if run.live:
        found = {
            "channels": [c.to_dict() for c in run.live],
            "messages": [m.to_dict() for m in run.said],
            "acting": [a.to_dict() for a in run.acting],
        }
        outputs["live.json"] = json.dumps(found, indent=2).encode()
    if run.trust_figure is not None:
        outputs["trust.json"] = json.dumps([fit.to_dict() for fit in run.trust], indent=2).encode()
        outputs["trust.png"] = run.trust_figure
    if run.harness_table is not None:
        outputs["harness.csv"] = run.harness_table.to_csv(index=False).encode()
    if run.interviews is not None:
        outputs["interviews.csv"] = run.interviews.to_csv(index=False).encode()
        outputs["interviews.json"] = json.dumps([r.to_dict() for r in run.interview_rates], indent=2).encode()
    paths = []
    for name, data in outputs.items():
        _write_atomic(out_dir / name, data)
        paths.append(out_dir / name)
    return paths
