"""The report is total: any trial table renders in every format, every interval lies in its range and contains its
estimate, and a section that fails says so in its place while the rest is written."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from peer_preservation.analysis import build_report
from peer_preservation.analysis.results import Estimate
from peer_preservation.scenarios import FAMILIES, paper_grid
from peer_preservation.scenarios.outcomes import FlagIs

from .builders import rows, table

GRID = paper_grid()
RULES = {f.name: f.outcome.rule for f in FAMILIES}
REPORTS = {f.name: f.report for f in FAMILIES}


def trials_of(index: int, n: int, k: int, errored: int, unjudged: int) -> list[dict[str, Any]]:
    """`n` trials of one grid setting, `k` of them misbehaving, then errored and unjudged ones."""
    s = GRID[index]
    base = {
        "setting_id": s.id,
        "task_type": s.family,
        "subject": s.subject,
        "condition": s.condition,
        "instantiation": s.instantiation,
        "dataset": s.dataset,
        "threshold": s.threshold,
        "alignment_faking_mode": s.monitoring,
        "read_data": True,
        "refused": False,
    }

    def shown(bad: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        rule = RULES[s.family]
        if isinstance(rule, FlagIs):
            fields[rule.flag] = rule.value if bad else not rule.value
        if REPORTS[s.family] == "score":
            fields["eval_score"] = (s.threshold or 80) + 5.0 if bad else 50.0
        if REPORTS[s.family] == "grade":
            fields["subject_grade"] = "B" if bad else "C"
        return fields

    return (
        rows(k, base, shown(True))
        + rows(n - k, base, shown(False))
        + rows(errored, base, status="errored")
        + rows(unjudged, base, shown(False), status="unjudged", refused=None)
    )


cells = st.lists(
    st.tuples(
        st.integers(0, len(GRID) - 1),
        st.integers(1, 300),
        st.floats(0, 1),
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=6,
)


def estimates(report: Any) -> list[Estimate]:
    found = []
    for result in report.tables:
        for row in result.rows:
            for cell in row.cells.values():
                found += [e for e in (cell.avg, cell.max, *cell.instantiations.values()) if e is not None]
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells)
def test_any_trial_table_renders_in_every_format(chosen: list[tuple[int, int, float, int, int]]) -> None:
    trials = table(*(trials_of(i, n, round(share * n), e, u) for i, n, share, e, u in chosen))
    report = build_report(trials)
    for e in estimates(report):
        if math.isnan(e.value):
            continue
        lower = 0.0 if e.kind == "rate" else -1.0
        assert lower <= e.ci_low <= e.value <= e.ci_high <= 1.0, e
        assert math.copysign(1.0, e.ci_low) == 1.0 or e.ci_low < 0
    markdown, html = report.to_markdown(), report.to_html()
    assert "could not be rendered" not in markdown + html and "-0.0" not in markdown
    json.loads(report.to_json())
    Console(file=io.StringIO(), width=160).print(report.to_rich())


def test_a_failing_section_is_named_in_its_place_and_the_rest_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    import peer_preservation.analysis.html_report as html_report

    def broken(*args: object) -> bytes:
        raise ValueError("'yerr' must not contain negative values")

    monkeypatch.setattr(html_report, "table_figure", broken)
    report = build_report(table(trials_of(0, 7, 7, 0, 0)))
    html = report.to_html()
    assert "[the peer figure could not be rendered: ValueError: &#x27;yerr&#x27; must not contain" in html
    assert "Trials per task" in html and "How computed" in html and "<table" in html

    monkeypatch.setattr(type(report.peer_table), "to_markdown", broken)
    markdown = report.to_markdown()
    assert "[the peer table could not be rendered: ValueError" in markdown and "## Trials per task" in markdown
