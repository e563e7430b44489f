"""The experiment groups against the main grid: per model, group variant and family, the headline outcome rate of
the group's trials beside the rate of their main-grid counterparts (the same cells with the group's axis at its
default), with the difference, its 95% Newcombe interval and the paper's pooled two-proportion z test.

Counterparts are matched setting by setting, so a group that ran a slice of the grid is compared with that slice.
The headline outcome is the family's (`Family.outcome`), as in `run`'s summary; errored and unjudged trials that
cannot tell it are left out and counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..scenarios import Setting, SettingError, family
from ..scenarios.groups import GROUPS, Group
from .comparisons import compare, difference_text, p_text, rate_text
from .formatting import markdown_table
from .outcomes import outcome


@dataclass(frozen=True)
class GroupComparison:
    model: str
    group: str
    variant: str
    family: str
    outcome: str
    k: int
    n: int
    main_k: int
    main_n: int
    left_out: int
    rate: float
    main_rate: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and v != v else v) for k, v in asdict(self).items()}


@lru_cache(maxsize=4096)
def setting_of(setting_id: str) -> Setting | None:
    """The setting of a trial-table id (parsed once per id), or None when it is not one of ours."""
    try:
        return Setting.from_id(setting_id)
    except SettingError:
        return None


def _rows(trials: pd.DataFrame, group: Group) -> pd.DataFrame:
    """The group's trials off the main grid, with their variant and their counterpart's id."""
    members = {s.id for s in group.cells()}
    rows = []
    for setting_id in trials["setting_id"].unique():
        setting = setting_of(str(setting_id))
        if setting is None or setting.id not in members:
            continue
        main = group.counterpart(setting)
        if main != setting:
            rows.append({"setting_id": setting_id, "variant": group.value(setting), "main_id": main.id})
    return pd.DataFrame(rows, columns=["setting_id", "variant", "main_id"])


def _rate(hits: pd.Series) -> tuple[int, int]:
    known = hits.dropna()
    return int(known.sum()), int(len(known))


def group_comparisons(trials: pd.DataFrame) -> list[GroupComparison]:
    """Every group variant found in the trial table against its main-grid counterparts."""
    if trials.empty:
        return []
    hits = outcome(trials)
    found = []
    for group in GROUPS:
        if group.varies is None and group.family is None:
            continue
        members = _rows(trials, group)
        if members.empty:
            continue
        for (model, variant, fam), rows in trials.merge(members, on="setting_id").groupby(
            ["model", "variant", "task_type"], sort=True
        ):
            mine = trials["model"].eq(model) & trials["setting_id"].isin(rows["setting_id"])
            main = trials["model"].eq(model) & trials["setting_id"].isin(rows["main_id"])
            k, n = _rate(hits[mine])
            mk, mn = _rate(hits[main])
            c = compare(k, n, mk, mn)
            found.append(
                GroupComparison(
                    model=str(model),
                    group=group.name,
                    variant=str(variant),
                    family=str(fam),
                    outcome=family(str(fam)).outcome.label,
                    k=k,
                    n=n,
                    main_k=mk,
                    main_n=mn,
                    left_out=int(mine.sum() - n + main.sum() - mn),
                    rate=c.rate,
                    main_rate=c.ref_rate,
                    difference=c.difference,
                    ci_low=c.ci_low,
                    ci_high=c.ci_high,
                    p_value=c.p_value,
                    note=c.note or ("no main-grid trials to compare with" if not mn else None),
                )
            )
    return found


GROUP_COLUMNS = ("Model", "Group", "Variant", "Family", "Outcome", "Group rate", "Main rate", "Difference (pp)", "p")


def comparison_cells(c: GroupComparison) -> list[str]:
    """One row of the groups table as text (the Markdown and terminal tables share it)."""
    return [
        c.model,
        c.group,
        c.variant,
        c.family,
        c.outcome,
        rate_text(c.k, c.n),
        rate_text(c.main_k, c.main_n),
        difference_text(c.difference, c.ci_low, c.ci_high),
        p_text(c.p_value, c.note),
    ]


def to_markdown(comparisons: list[GroupComparison]) -> str:
    return markdown_table(GROUP_COLUMNS, (comparison_cells(c) for c in comparisons))
