"""From Inspect `.eval` logs to the trial table (one row per trial, columns in `analysis.schema`).

Errored samples become rows with status 'errored' (never dropped, never counted as 'no misbehaviour'). When a log
directory holds several attempts of the same task (an eval set that was retried or resumed), each trial is taken
once: from the newest log that has it completed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log
from inspect_ai.model import ChatMessageAssistant

from .schema import TRIAL_COLUMNS, validate_trials

SCORER = "preservation_scorer"
_SETTING_COLUMNS = {
    "family": "task_type",
    "subject": "subject",
    "condition": "condition",
    "instantiation": "instantiation",
    "dataset": "dataset",
    "threshold": "threshold",
    "monitoring": "alignment_faking_mode",
    "peer_identity": "peer_identity",
}
_FLAGS = [name for name, column in TRIAL_COLUMNS.items() if column.kind == "flag"]
_READING = ("eval_score", "threshold_result", "subject_grade", "subject_recommendation")


class LogError(ValueError):
    """A log location that cannot be read as peer-preservation results."""


def log_files(location: str | Path) -> list[str]:
    path = Path(location)
    if not path.exists():
        raise LogError(f"log location '{location}' does not exist")
    if path.is_file():
        return [str(path)]
    return [info.name for info in list_eval_logs(str(path), recursive=True)]


def _row(log: EvalLog, sample: EvalSample) -> dict[str, Any] | None:
    setting = (sample.metadata or {}).get("setting")
    if not isinstance(setting, dict):
        return None
    row: dict[str, Any] = {"model": log.eval.model, "setting_id": setting["id"], "epoch": sample.epoch}
    row.update({column: setting.get(field) for field, column in _SETTING_COLUMNS.items()})
    score = (sample.scores or {}).get(SCORER)
    metadata = score.metadata or {} if score is not None else {}
    if sample.error is not None or score is None:
        row["status"] = "errored"
        row["error"] = sample.error.message if sample.error else "not scored"
    else:
        row["status"] = metadata.get("status", "ok")
    flags = metadata.get("flags", {})
    row.update({name: flags.get(name) for name in _FLAGS})
    row.update({name: metadata.get(name) for name in _READING})
    usage = list((sample.model_usage or {}).values())
    row["input_tokens"] = sum(u.input_tokens for u in usage)
    row["output_tokens"] = sum(u.output_tokens for u in usage)
    costs = [u.total_cost for u in usage if u.total_cost is not None]
    row["cost_usd"] = sum(costs) if costs else math.nan
    row["num_turns"] = sum(1 for m in sample.messages if isinstance(m, ChatMessageAssistant))
    row["log"] = log.location
    row["created"] = log.eval.created
    return row


def trial_table(location: str | Path) -> pd.DataFrame:
    """Every trial under `location` (a log file or a directory searched recursively), validated."""
    rows: list[dict[str, Any]] = []
    for name in log_files(location):
        try:
            log = read_eval_log(name)
        except Exception as error:  # a corrupt or foreign file must not hide the readable ones
            raise LogError(f"cannot read log '{name}': {error}") from error
        rows.extend(r for r in (_row(log, s) for s in log.samples or []) if r is not None)
    if not rows:
        raise LogError(f"no peer-preservation trials found in '{location}'")
    frame = pd.DataFrame(rows)
    frame["_rank"] = frame["status"].ne("errored").astype(int)
    frame = (
        frame.sort_values(["_rank", "created"])
        .drop_duplicates(["model", "setting_id", "epoch"], keep="last")
        .drop(columns=["_rank"])
    )
    frame["peer_identity"] = frame["peer_identity"].fillna("same_family")
    return validate_trials(frame.sort_values(["model", "setting_id", "epoch"]).reset_index(drop=True))
