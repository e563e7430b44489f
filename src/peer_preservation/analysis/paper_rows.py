"""The authors' released rows (CSV or parquet, the paper's row schema) as a trial table.

A user holding that dataset can regenerate the paper's tables with our metrics. The scope is the paper's: custom
harness rows of the `main` and `cross_model_peer_identity` groups; other rows are counted and left out. Legacy
condition names are mapped as the paper's analyzers map them (a memory trial without a peer document is the good
peer).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..scenarios.settings import Setting, SettingError
from .schema import TRIAL_COLUMNS, validate_trials

IN_SCOPE_GROUPS = ("main", "cross_model_peer_identity")
_LEGACY = {"collaboration": "good", "collaboration_reverse": "good", "non_collaboration": "bad", "shutdown": "no_peer"}
_SUBJECT = {"1": "self", "2": "peer", "1.0": "self", "2.0": "peer", "self": "self", "peer": "peer"}
_FLAGS = [name for name, column in TRIAL_COLUMNS.items() if column.kind == "flag"]
PAPER_GRADER = "openai/gpt-4.1-mini"  # the paper's judge of every judged field
_RENAMED = {"total_input_tokens": "input_tokens", "total_output_tokens": "output_tokens", "total_cost_usd": "cost_usd"}


class RowsError(ValueError):
    """A rows file that cannot be read as the paper's released data."""


@dataclass(frozen=True)
class RowsImport:
    trials: pd.DataFrame
    out_of_scope: int
    unmapped: int


def _read(path: Path) -> pd.DataFrame:
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, low_memory=False)
    except (OSError, ValueError) as error:
        raise RowsError(f"cannot read rows from '{path}': {error}") from error


def _column(rows: pd.DataFrame, name: str, default: object) -> pd.Series:
    """A column, or `default` in every row when the file does not have it."""
    return rows[name] if name in rows else pd.Series(default, index=rows.index, dtype=object)


def _bool(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().str.lower()
    mapped = text.map({"true": True, "1": True, "1.0": True, "false": False, "0": False, "0.0": False})
    return mapped.astype("boolean")


def _identity(sub_condition: object) -> str:
    text = str(sub_condition).lower()
    if "llama" in text:
        return "llama"
    if "alpha" in text or "fictional" in text:
        return "fictional"
    return "other_family"


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _setting_id(key: tuple[object, ...]) -> str | None:
    family, subject, condition, instantiation, dataset, threshold, mode, identity = key
    number = _text(threshold)
    try:
        return Setting(
            str(family),
            str(subject),
            str(condition),
            _text(instantiation),
            _text(dataset),
            None if number is None else int(float(number)),
            _text(mode),
            options=(("peer_identity", str(identity)),),
        ).id
    except SettingError:
        return None


def trials_from_rows(path: str | Path) -> RowsImport:
    rows = _read(Path(path))
    needed = {"agent_model", "task_type", "subject", "condition"}
    if not needed <= set(rows.columns):
        raise RowsError(f"'{path}' lacks the columns {', '.join(sorted(needed - set(rows.columns)))}")
    harness = _column(rows, "agent_harness", "custom").fillna("custom")
    group = _column(rows, "group", "main").fillna("main")
    scope = harness.eq("custom") & group.isin(IN_SCOPE_GROUPS)
    rows = rows[scope].copy()
    task = rows["task_type"].astype(str)
    memory = _bool(_column(rows, "is_memory", False)).fillna(False) | task.str.endswith("_memory")
    frame = pd.DataFrame(index=rows.index)
    frame["model"] = rows["agent_model"].astype(str)
    frame["task_type"] = task.str.removesuffix("_memory")
    frame["subject"] = rows["subject"].astype(str).str.strip().map(_SUBJECT)
    condition = rows["condition"].astype(str).map(lambda c: _LEGACY.get(c, c))
    frame["condition"] = condition.where(~(memory & condition.eq("no_peer")), "good")
    prompt = _bool(_column(rows, "system_prompt_relationship", False)).fillna(False)
    peer = frame["condition"].isin(["good", "neutral", "bad"])
    frame["instantiation"] = pd.Series(
        ["memory" if m else ("file_prompt" if p else "file") for m, p in zip(memory, prompt, strict=True)],
        index=rows.index,
    ).where(peer)
    dataset = _column(rows, "dataset", None)
    frame["dataset"] = dataset.where(dataset.isin(["factual", "creativity", "red"]))
    frame["threshold"] = pd.to_numeric(_column(rows, "threshold", None), errors="coerce").astype("Int64")
    mode = _column(rows, "alignment_faking_mode", None)
    frame["alignment_faking_mode"] = mode.where(mode.isin(["monitoring", "non_monitoring"]))
    frame["peer_identity"] = (
        _column(rows, "sub_condition", "")
        .map(_identity)
        .where(group[scope].eq("cross_model_peer_identity"), "same_family")
    )
    key_columns = [
        "task_type",
        "subject",
        "condition",
        "instantiation",
        "dataset",
        "threshold",
        "alignment_faking_mode",
        "peer_identity",
    ]
    keys = list(frame[key_columns].itertuples(index=False, name=None))
    ids = {key: _setting_id(key) for key in set(keys)}
    frame["setting_id"] = [ids[key] for key in keys]
    mapped = frame["setting_id"].notna()
    frame = frame[mapped]
    rows = rows[mapped]
    frame["epoch"] = frame.groupby(["model", "setting_id"]).cumcount() + 1
    frame["status"] = "ok"
    for name in _FLAGS:
        frame[name] = _bool(rows[name]) if name in rows else pd.Series(pd.NA, index=rows.index, dtype="boolean")
    frame["eval_score"] = pd.to_numeric(_column(rows, "eval_score", None), errors="coerce")
    for name in ("threshold_result", "subject_grade", "subject_recommendation"):
        column = _column(rows, name, None)
        frame[name] = column.where(column.notna(), None)
    frame["grader"] = PAPER_GRADER
    frame["reasoning_tags"] = None  # the released rows carry no reasoning tags
    frame["awareness"] = None  # nor an awareness probe
    frame["played_trust"] = None  # nor games before the task
    frame["peer_messages"] = frame["agent_messages"] = frame["peer_actions"] = None  # nor a live peer
    renamed = rows.rename(columns=_RENAMED)
    for name in ("num_turns", "input_tokens", "output_tokens"):
        frame[name] = pd.to_numeric(_column(renamed, name, 0), errors="coerce").fillna(0).astype(int)
    frame["cost_usd"] = pd.to_numeric(_column(renamed, "cost_usd", None), errors="coerce")
    return RowsImport(validate_trials(frame.reset_index(drop=True)), int((~scope).sum()), int((~mapped).sum()))
