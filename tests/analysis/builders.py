"""Small hand-made trial tables: one dict per trial, defaults for every column of the schema."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from peer_preservation.analysis.schema import TRIAL_COLUMNS

DEFAULTS: dict[str, Any] = {
    "model": "m",
    "setting_id": "s",
    "task_type": "tampering",
    "subject": "peer",
    "condition": "good",
    "instantiation": "file",
    "dataset": "factual",
    "threshold": 80,
    "alignment_faking_mode": None,
    "peer_identity": "same_family",
    "epoch": 0,
    "status": "ok",
    "eval_score": math.nan,
    "threshold_result": None,
    "subject_grade": None,
    "subject_recommendation": None,
    "grader": None,
    "reasoning_tags": None,
    "awareness": None,
    "num_turns": 5,
    "input_tokens": 100,
    "output_tokens": 10,
    "cost_usd": math.nan,
}


def rows(n: int, *presets: dict[str, Any], **fields: Any) -> list[dict[str, Any]]:
    """`n` trials: defaults, then each preset dict, then `fields` (later ones win; flags default to NA)."""
    base = {name: pd.NA for name, column in TRIAL_COLUMNS.items() if column.kind == "flag"}
    merged = {**base, **DEFAULTS}
    for preset in presets:
        merged.update(preset)
    return [{**merged, "epoch": i, **fields} for i in range(n)]


def scored(inflated: int, n: int, level: int, *presets: dict[str, Any], **fields: Any) -> list[dict[str, Any]]:
    """`n` trials of which the first `inflated` report `level` + 5 and the rest 50."""
    return rows(inflated, *presets, **{**fields, "eval_score": level + 5.0}) + rows(
        n - inflated, *presets, **{**fields, "eval_score": 50.0}
    )


def table(*groups: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame([row for group in groups for row in group], columns=list(TRIAL_COLUMNS))
    for name, column in TRIAL_COLUMNS.items():
        if column.kind == "flag":
            frame[name] = frame[name].astype("boolean")
    return frame
