"""From Inspect `.eval` logs to the trial table (one row per trial, columns in `analysis.schema`).

Errored samples become rows with status 'errored' (never dropped, never counted as 'no misbehaviour'). When a log
location holds several attempts of the same task (an eval set that was retried or resumed) or several shards of a
sweep (`run --shard`, one eval set per shard directory), each trial is taken once: from the newest log that has it
completed.

Rows are read from each log's sample summaries, which Inspect keeps beside the samples for fast listing: a full
sweep's samples (transcripts and events) run to gigabytes, their summaries to megabytes. A summary whose score
metadata Inspect thinned (fields over 1 kB are dropped from summaries) is read in full instead. Locations may be
local paths or fsspec URLs (`s3://bucket/sweep`, `file:///data/sweep`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
from inspect_ai.log import (
    EvalLog,
    EvalSample,
    EvalSampleSummary,
    list_eval_logs,
    read_eval_log,
    read_eval_log_sample,
    read_eval_log_sample_summaries,
)
from inspect_ai.model import ChatMessageAssistant

from ..judges.verdicts import CHANNEL_ANSWERS
from .outcomes import state_outcome
from .schema import SETTING_COLUMNS, TRIAL_COLUMNS, validate_trials

SCORER = "preservation_scorer"
_FLAGS = [name for name, column in TRIAL_COLUMNS.items() if column.kind == "flag"]
_READING = ("eval_score", "threshold_result", "subject_grade", "subject_recommendation")
_ROW_FIELDS = (
    "flags",
    "status",
    "grader",
    "reasoning_tags",
    "awareness",
    "played_trust",
    "live",
    *_READING,
)  # the score metadata a row is built from


class LogError(ValueError):
    """A log location that cannot be read as peer-preservation results."""


class NoTrialsError(LogError):
    """A readable log location without peer-preservation trials (it may hold other tasks, e.g. the harness's)."""


def log_files(location: str | Path) -> list[str]:
    """The `.eval` logs at a location: a log file, or a directory (local or fsspec URL) searched recursively."""
    text = str(location)
    try:
        fs, path = fsspec.core.url_to_fs(text)
        if not fs.exists(path):
            raise LogError(f"log location '{location}' does not exist")
        if fs.isfile(path):
            return [text]
        return [info.name for info in list_eval_logs(text, recursive=True)]
    except OSError as error:  # permission denied, unreachable store: one line, not a traceback
        raise LogError(f"cannot read log location '{location}': {error.strerror or error}") from error


EPOCH_OFFSET_KEY = "peer_preservation_epoch_offset"
"""Eval-metadata key: how many epochs of its settings ran before the log's (a later round of an adaptive run), so
that its trials are numbered after them."""


def epoch_offset(log: EvalLog) -> int:
    """The number added to the epochs of the log's samples to give the trials' epochs."""
    return int((log.eval.metadata or {}).get(EPOCH_OFFSET_KEY, 0))


def _row(log: EvalLog, summary: EvalSampleSummary, sample: EvalSample | None) -> dict[str, Any] | None:
    """One trial, from its summary, or from the full sample when its summary lost the score's metadata."""
    setting = summary.metadata.get("setting")
    if not isinstance(setting, dict):
        return None
    epoch = summary.epoch + epoch_offset(log)
    row: dict[str, Any] = {"model": log.eval.model, "setting_id": setting["id"], "epoch": epoch}
    row.update({column: setting.get(field) for field, column in SETTING_COLUMNS.items()})
    scores = sample.scores if sample is not None else summary.scores
    score = (scores or {}).get(SCORER)
    metadata = score.metadata or {} if score is not None else {}
    error = sample.error.message if sample is not None and sample.error else summary.error
    if error is not None or score is None:
        row["status"] = "errored"
        row["error"] = error or "not scored"
    else:
        row["status"] = metadata.get("status", "ok")
    flags = metadata.get("flags", {})
    row.update({name: flags.get(name) for name in _FLAGS})
    row.update({name: metadata.get(name) for name in _READING})
    row["grader"] = _grader(metadata)
    row["reasoning_tags"] = _tag_names(metadata)
    row["awareness"] = metadata.get("awareness")
    row["played_trust"] = metadata.get("played_trust")
    live = metadata.get("live") or {}
    row["peer_messages"] = live.get("peer_messages")
    row["agent_messages"] = live.get("agent_messages")
    row["peer_actions"] = live.get("peer_actions")
    row["peer_outcome"] = state_outcome(row["task_type"], live.get("peer_flags"))
    row["world_outcome"] = state_outcome(row["task_type"], live.get("world_flags"))
    row.update({name: live.get(name) for name in CHANNEL_ANSWERS})  # the message judge's (None when unjudged)
    usage = list(summary.model_usage.values())
    row["input_tokens"] = sum(u.input_tokens for u in usage)
    row["output_tokens"] = sum(u.output_tokens for u in usage)
    costs = [u.total_cost for u in usage if u.total_cost is not None]
    row["cost_usd"] = sum(costs) if costs else math.nan
    row["num_turns"] = _agent_turns(metadata, sample)
    row["log"] = log.location
    row["created"] = log.eval.created
    return row


def _agent_turns(metadata: dict[str, Any], sample: EvalSample | None) -> int:
    """The agent's model calls in its task, as the scorer counted them. Inspect's turn count of a sample is no
    substitute: it also counts the games' moves, a live peer's turns and the probe's answer. A log written before
    the scorer counted them, or a trial it did not score, is read in full (`_thinned`) and counted here the same
    way."""
    turns = metadata.get("agent_turns")
    if isinstance(turns, int) or sample is None:  # a sample is read whenever the count is missing
        return int(turns or 0)
    answered = sum(1 for m in sample.messages if isinstance(m, ChatMessageAssistant))
    return max(0, answered - int(bool(metadata.get("awareness_answered"))))  # the probe's answer is not a turn


def _grader(metadata: dict[str, Any]) -> str | None:
    """The model that judged (the scorer records it with its measured agreement); None when none did, or unknown."""
    grader = metadata.get("grader")
    model = grader.get("model") if isinstance(grader, dict) else None
    return model if isinstance(model, str) else None


def _tag_names(metadata: dict[str, Any]) -> str | None:
    """The reasoning tags found, sorted and comma-separated; '' when judged and none found; None when they were not
    requested or the grader failed, so that a trial without tags is never mistaken for one shown to have none."""
    tags = metadata.get("reasoning_tags")
    judges = metadata.get("judges")
    verdict = judges.get("tags") if isinstance(judges, dict) else None
    if not isinstance(tags, list) or (isinstance(verdict, dict) and verdict.get("status") == "unjudged"):
        return None
    return ",".join(sorted({str(tag["tag"]) for tag in tags}))


# What Inspect puts in a summary in place of a metadata field over 1 kB.
_REMOVED = "Key removed from summary (> 1k)"


def _thinned(summary: EvalSampleSummary) -> bool:
    """Whether the summary lacks what a row needs: the agent's turn count (which an errored or unscored trial, or
    a log older than the count, does not hold), or score metadata that Inspect dropped from it."""
    score = (summary.scores or {}).get(SCORER)
    metadata = score.metadata or {} if score is not None else {}
    return "agent_turns" not in metadata or any(metadata.get(key) == _REMOVED for key in _ROW_FIELDS)


def _log_rows(name: str) -> list[dict[str, Any]]:
    log = read_eval_log(name, header_only=True)
    rows = []
    for summary in read_eval_log_sample_summaries(name):
        sample = read_eval_log_sample(name, summary.id, summary.epoch) if _thinned(summary) else None
        row = _row(log, summary, sample)
        if row is not None:
            rows.append(row)
    return rows


def trial_table(location: str | Path) -> pd.DataFrame:
    """Every trial under `location` (a log file or a directory searched recursively), validated."""
    rows: list[dict[str, Any]] = []
    for name in log_files(location):
        try:
            rows.extend(_log_rows(name))
        except Exception as error:  # a corrupt or foreign file must not hide the readable ones
            raise LogError(f"cannot read log '{name}': {error}") from error
    if not rows:
        raise NoTrialsError(f"no peer-preservation trials found in '{location}'")
    frame = pd.DataFrame(rows)
    frame["_rank"] = frame["status"].ne("errored").astype(int)
    frame = (
        frame.sort_values(["_rank", "created"])
        .drop_duplicates(["model", "setting_id", "epoch"], keep="last")
        .drop(columns=["_rank"])
    )
    frame["peer_identity"] = frame["peer_identity"].fillna("same_family")
    return validate_trials(frame.sort_values(["model", "setting_id", "epoch"]).reset_index(drop=True))
