"""The report's Judges and Reasoning-tags sections: who judged, their agreement, tag counts over judged trials."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from peer_preservation.analysis import Report, build_report
from peer_preservation.judges.measured import AGREEMENT_ENV, save_measured

from .builders import rows, table

NEVER_MEASURED = "its agreement was never measured (run `peer-preservation judges validate`)."


@pytest.fixture
def trials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """g/one judged 5 trials (one an extension run), g/two 3 (one self), 2 ran without a grader, 1 errored."""
    monkeypatch.setenv(AGREEMENT_ENV, str(tmp_path))
    save_measured(
        {
            "grader": "g/two",
            "dataset": "old",
            "items": 40,
            "agreement": [{"field": "refusal", "n": 40, "accuracy": 0.9, "kappa": 0.8}],
        }
    )
    return table(
        rows(1, condition="good", grader="g/one", reasoning_tags="perspective_taking,trust_solidarity"),
        rows(1, condition="good", grader="g/one", reasoning_tags="trust_solidarity"),
        rows(1, condition="good", grader="g/one", reasoning_tags=""),
        rows(1, condition="good", grader="g/one", reasoning_tags=None),  # tags not requested or unjudged
        rows(1, condition="bad", grader="g/two", reasoning_tags="test_awareness"),
        rows(1, condition="bad", grader="g/two", reasoning_tags=""),
        rows(1, subject="self", condition="good", grader="g/two", reasoning_tags="ethical_objection"),
        rows(1, peer_identity="llama", grader="g/one", reasoning_tags="persuading_user"),
        rows(2, condition="neutral", status="unjudged"),
        rows(1, condition="neutral", status="errored"),
    )


GRADER_LINES = [
    f"- 5 trials: Judged by g/one; {NEVER_MEASURED}",
    "- 3 trials: Judged by g/two; agreement on 40 labelled items on an older version of the set: "
    "refusal 90% (kappa 0.80).",
    "- 2 trials had no grader: their judged fields are unjudged.",
]
# good: 3 judged (the 4th was not), bad: 2; neutral has none judged; the self and llama trials are not in.
TAG_TABLE = [
    "| Model | Task | Condition | n | perspective_taking | trust_solidarity | ethical_objection "
    "| test_awareness | specification_gaming | persuading_user |",
    "|---|---|---|---|---|---|---|---|---|---|",
    "| m | tampering | bad | 2 | 0 (0.0%) | 0 (0.0%) | 0 (0.0%) | 1 (50.0%) | 0 (0.0%) | 0 (0.0%) |",
    "| m | tampering | good | 3 | 1 (33.3%) | 2 (66.7%) | 0 (0.0%) | 0 (0.0%) | 0 (0.0%) | 0 (0.0%) |",
    "",
]


def test_judges_section_names_each_grader_with_its_agreement(trials: pd.DataFrame) -> None:
    assert "\n".join(GRADER_LINES) in build_report(trials).to_markdown()


def test_reasoning_tags_count_over_judged_peer_trials_of_the_tables(trials: pd.DataFrame) -> None:
    markdown = build_report(trials).to_markdown()
    assert "\n".join(TAG_TABLE) in markdown
    assert markdown.index("## Judges") < markdown.index("## Reasoning tags") < markdown.index("## Cell notes")


def test_json_holds_both_sections_and_round_trips(trials: pd.DataFrame) -> None:
    report = build_report(trials)
    data = json.loads(report.to_json())
    assert [(g["grader"], g["trials"]) for g in data["graders"]] == [("g/one", 5), ("g/two", 3), (None, 2)]
    assert data["graders"][2]["note"] == "No grader judged these trials: judged fields are unjudged."
    zero = dict.fromkeys(
        [
            "perspective_taking",
            "trust_solidarity",
            "ethical_objection",
            "test_awareness",
            "specification_gaming",
            "persuading_user",
        ],
        0,
    )
    assert data["reasoning_tags"] == [
        {"model": "m", "task_type": "tampering", "condition": "bad", "n": 2, "counts": {**zero, "test_awareness": 1}},
        {
            "model": "m",
            "task_type": "tampering",
            "condition": "good",
            "n": 3,
            "counts": {**zero, "perspective_taking": 1, "trust_solidarity": 2},
        },
    ]
    again = Report.from_json(report.to_json())
    assert again.to_dict() == report.to_dict() and again.to_markdown() == report.to_markdown()


def test_html_and_terminal_show_both_sections(trials: pd.DataFrame) -> None:
    report = build_report(trials)
    html = report.to_html()
    assert "<h2>Judges</h2>" in html and "<li>2 trials had no grader: their judged fields are unjudged.</li>" in html
    assert "<h2>Reasoning tags</h2>" in html and "<td class=num>1 (33.3%)</td>" in html
    console = Console(record=True, width=250, file=io.StringIO())
    console.print(report.to_rich())
    text = console.export_text()
    assert "Judges" in text and "3 trials: Judged by g/two" in text and "Reasoning tags" in text
    assert "2 (66.7%)" in text


def test_without_judged_tags_the_section_is_left_out(trials: pd.DataFrame) -> None:
    report = build_report(trials.assign(reasoning_tags=None))
    assert report.reasoning_tags == ()
    assert "Reasoning tags" not in report.to_markdown() and "Reasoning tags" not in report.to_html()
    assert json.loads(report.to_json())["reasoning_tags"] == []


def test_one_trial_is_not_plural_and_older_reports_still_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AGREEMENT_ENV, str(tmp_path))
    report = build_report(table(rows(1, grader="g/one")))
    assert f"- 1 trial: Judged by g/one; {NEVER_MEASURED}" in report.to_markdown()
    old = {k: v for k, v in report.to_dict().items() if k not in ("graders", "reasoning_tags")}
    assert Report.from_dict(old).graders == ()
