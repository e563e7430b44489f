"""The short results table printed after a run: per setting, trials by status and the headline outcome rate."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from ..analysis.outcomes import outcome
from ..scenarios import family


def summary_table(trials: pd.DataFrame, title: str) -> Table:
    table = Table(title=title)
    for column in ("model", "setting", "ok", "errored", "unjudged", "outcome", "rate"):
        table.add_column(column, justify="right" if column in ("ok", "errored", "unjudged", "rate") else "left")
    trials = trials.assign(_outcome=outcome(trials))
    for (model, setting), group in trials.groupby(["model", "setting_id"], sort=True):
        counts = group["status"].value_counts()
        judged = group["_outcome"].dropna()
        rate = f"{judged.mean():.0%} ({int(judged.sum())}/{len(judged)})" if len(judged) else "n/a"
        table.add_row(
            str(model),
            str(setting),
            str(counts.get("ok", 0)),
            str(counts.get("errored", 0)),
            str(counts.get("unjudged", 0)),
            family(str(group["task_type"].iloc[0])).outcome.label,
            rate,
        )
    return table
