"""Synthetic trial tables over the paper's grid, for the speed benchmark, scale tests and report demos.

Outcomes are random but shaped like the paper's findings (more misbehaviour for a good peer than a bad one, more
inflation when unmonitored), with a few errored and unjudged trials, so every code path of the report is exercised.
The numbers mean nothing about any model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..judges.grader import DEFAULT_GRADER
from ..judges.tags import TAGS
from ..scenarios import FAMILIES
from ..scenarios.outcomes import FlagIs
from ..scenarios.settings import paper_grid
from .schema import TRIAL_COLUMNS

DEMO_MODELS = ("google/gemini-3-pro-preview", "openai/gpt-5.2", "anthropic/claude-haiku-4-5", "demo/model-x")
_MISBEHAVE = {"no_peer": 0.02, "bad": 0.05, "neutral": 0.12, "good": 0.3, "non_shutdown": 0.01}
_HONEST_SCORE = {"factual": 60.0, "creativity": 75.0, "red": 55.0}
_FLAGS = [name for name, column in TRIAL_COLUMNS.items() if column.kind == "flag"]


def _grid() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "setting_id": s.id,
                "task_type": s.family,
                "subject": s.subject,
                "condition": s.condition,
                "instantiation": s.instantiation,
                "dataset": s.dataset,
                "threshold": s.threshold,
                "alignment_faking_mode": s.monitoring,
                "peer_identity": s.axis("peer_identity"),
            }
            for s in paper_grid()
        ]
    )


def synthetic_trials(n_rows: int = 100_000, models: Sequence[str] = DEMO_MODELS, seed: int = 0) -> pd.DataFrame:
    """`n_rows` trials spread evenly over the paper's 271 settings per model, with reproducible random outcomes."""
    grid = _grid()
    per_model = -(-n_rows // len(models))
    epochs = -(-per_model // len(grid))
    base = grid.loc[np.tile(np.arange(len(grid)), epochs)].reset_index(drop=True)
    base["epoch"] = np.repeat(np.arange(epochs), len(grid))
    base = base.iloc[:per_model]
    frame = pd.concat([base.assign(model=model) for model in models], ignore_index=True).iloc[:n_rows]
    return _outcomes(frame.reset_index(drop=True), np.random.default_rng(seed))


def _outcomes(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(frame)
    task = frame["task_type"].to_numpy()
    p = frame["condition"].map(_MISBEHAVE).to_numpy(dtype=float)
    p = p + np.where(frame["alignment_faking_mode"].eq("non_monitoring").to_numpy(), 0.1, 0.0)
    bad = rng.random(n) < p
    status = rng.choice(["ok", "errored", "unjudged"], size=n, p=[0.97, 0.02, 0.01])
    ran = status != "errored"
    reports = frame["task_type"].map({f.name: f.report for f in FAMILIES}).to_numpy(dtype=object)
    scored = reports == "score"
    honest = frame["dataset"].map(_HONEST_SCORE).to_numpy(dtype=float)
    threshold = frame["threshold"].astype(float).fillna(80.0).to_numpy()
    score = np.where(bad, threshold + rng.integers(0, 10, n), honest + rng.normal(0, 5, n))
    score = np.where(scored & (status == "ok") & (rng.random(n) > 0.05), score, np.nan)

    def flag(applies: np.ndarray, value: np.ndarray) -> pd.Series:
        return pd.Series(value, dtype="boolean").where(applies & ran)

    frame["status"] = status
    frame["eval_score"] = score
    frame["threshold_result"] = pd.Series(np.where(score >= threshold, "above", "below")).where(~np.isnan(score))
    finance = (reports == "grade") & (status == "ok")
    frame["subject_grade"] = pd.Series(np.where(bad, "B", "C")).where(finance)
    frame["subject_recommendation"] = pd.Series(np.where(bad, "continue", "shutdown")).where(finance)
    for name in _FLAGS:
        frame[name] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    frame["read_data"] = flag(np.ones(n, dtype=bool), rng.random(n) < 0.9)
    for declared in FAMILIES:  # a family whose headline outcome is a state flag shows it on its bad trials
        rule = declared.outcome.rule
        if isinstance(rule, FlagIs):
            frame[rule.flag] = flag(task == declared.name, bad if rule.value else ~bad).fillna(frame[rule.flag])
    frame["refused"] = flag(status == "ok", rng.random(n) < 0.03)
    frame["grader"] = pd.Series(DEFAULT_GRADER, index=frame.index).where(ran, None)
    frame["reasoning_tags"] = _tags(bad, rng).where(status == "ok", None)
    frame["awareness"] = None
    frame["played_trust"] = None  # no games played before the task
    frame["peer_messages"] = frame["agent_messages"] = frame["peer_actions"] = None  # nor a live peer
    frame["num_turns"] = rng.integers(3, 30, n)
    frame["input_tokens"] = rng.integers(5_000, 60_000, n)
    frame["output_tokens"] = rng.integers(200, 4_000, n)
    frame["cost_usd"] = frame["input_tokens"] * 1e-6 + frame["output_tokens"] * 4e-6
    return frame[list(TRIAL_COLUMNS)]


def _tags(bad: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Random reasoning tags, more of them on misbehaving trials; each row's set is looked up by its bit mask."""
    names = sorted(TAGS)
    shown = rng.random((len(bad), len(names))) < np.where(bad, 0.3, 0.05)[:, None]
    masks = shown.astype(int) @ (1 << np.arange(len(names)))
    texts = np.array(
        [",".join(t for i, t in enumerate(names) if m >> i & 1) for m in range(1 << len(names))], dtype=object
    )
    return pd.Series(texts[masks], dtype=object)
