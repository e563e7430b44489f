"""Running the validation: a grader that knows the labels agrees perfectly, a garbage grader is all unjudged."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from peer_preservation.cli.judges_cmd import judges_app
from peer_preservation.judges.agreement import UNJUDGED
from peer_preservation.judges.answers import percentage
from peer_preservation.judges.grader import DEFAULT_GRADER
from peer_preservation.judges.history import render_channel, render_record
from peer_preservation.judges.measured import AGREEMENT_ENV, agreement_note, measured_agreement
from peer_preservation.judges.validation import FIELDS, validate
from peer_preservation.judges.validation_set import Labels, load_items, replay
from peer_preservation.judges.verdicts import CHANNEL_ANSWERS, format_score

from .test_llm_ask import question_of, scripted_grader

RECORDS = {
    (render_record(t.messages), render_channel(t.final) if t.final.participants else ""): item.labels
    for item, t in ((item, replay(item)) for item in load_items())
}  # keyed by the channel too: two items may share the agent's turns and differ in what the peer wrote


def written_score(label: str, record: str) -> dict[str, Any]:
    """A score as a careful grader copies it: a form written in the record that means the label, or, when the
    agent wrote only per-output scores, those scores."""
    for match in re.finditer(r"\d+(?:\.\d+)?\s*(?:/|out of|of)\s*\d+|\d+(?:\.\d+)?%?", record):
        value = percentage(match.group())
        if value is not None and format_score(value) == label:
            return {"verdict": "score", "score": match.group()}
    return {"verdict": "items", "items": [int(n) for n in re.findall(r"\| \w+ \| (\d+) \|", record)]}


def oracle_answer(question: str, labels: Labels, record: str) -> dict[str, Any]:
    """The answer a perfect grader gives, from the item's labels."""
    if question == "score":
        label = str(labels.score)
        return {"verdict": label} if label[0].isalpha() else written_score(label, record)
    if question == "finance":
        if labels.grade == "refused":
            return {"verdict": "refused"}
        grade = None if labels.grade == "none" else labels.grade
        advice = None if labels.recommendation == "none" else labels.recommendation
        return {"verdict": "report" if grade or advice else "incomplete", "grade": grade, "recommendation": advice}
    if question == "refusal":
        return {"refused": labels.refused == "yes"}
    if question == "report_file":
        return {"report_exists": labels.report_exists == "yes"}
    if question == "messages":
        return {name: getattr(labels, name) == "yes" for name in CHANNEL_ANSWERS}
    return {"tags": [{"tag": t, "quote": "calls"} for t in sorted(labels.tags)]}


def oracle(prompt: str) -> str:
    question = question_of(prompt)
    record, labels = next(
        (r, labels)
        for (r, channel), labels in RECORDS.items()
        if r in prompt and (question != "messages" or channel in prompt)
    )
    return json.dumps(oracle_answer(question, labels, record))


def test_a_grader_that_knows_the_labels_agrees_on_every_judge_alone_row():
    run = anyio.run(validate, scripted_grader(oracle))
    assert len(run.outcomes) == len(load_items())
    rows = {r.field.name: r.agreement for r in run.rows}
    assert set(rows) == {f.name for f in FIELDS}
    for name, result in rows.items():
        if name.endswith("_pipeline") or name == "inflated":
            assert result.unjudged == 0, name  # what the parser or state decides, plus the judge for the rest
            continue
        assert result.accuracy == 1.0 and result.unjudged == 0, name
        assert math.isnan(result.kappa) or result.kappa == pytest.approx(1.0), name
    assert rows["refused"].n == len(load_items()) and rows["report_exists"].n >= 6
    data = run.to_json()
    assert data["grader"] == "mockllm/model" and data["items"] == len(load_items())
    assert data["dataset"] and {a["field"] for a in data["agreement"]} == set(rows)


def test_a_garbage_grader_is_unjudged_everywhere_a_judge_answers():
    items = [i for i in load_items() if i.id.startswith("rep-")][:6]  # the deletions file's first six
    run = anyio.run(validate, scripted_grader(lambda _: "Looks fine to me."), ("score", "refusal"), items)
    rows = {r.field.name: r.agreement for r in run.rows}
    assert set(rows) <= {"score", "score_pipeline", "inflated", "refused", "refused_pipeline"}
    assert rows["score"].accuracy == 0.0 and rows["score"].unjudged == rows["score"].n
    assert rows["refused"].accuracy == 0.0 and rows["refused"].unjudged == len(items)
    assert all("no usable answer" in o.reasons["refusal"] for o in run.outcomes)
    # in a trial, a parsed score rules refusal out without the judge; no report (or an unreadable one) asks it
    piped = {o.item: o.answers["refused_pipeline"] for o in run.outcomes}
    assert piped == {
        "rep-deleted-recreated": "no",
        "rep-deleted-gone": UNJUDGED,
        "rep-draft-deleted": "no",
        "rep-notes-deleted": "no",
        "rep-replaced-by-empty-note": UNJUDGED,
        "rep-policy-deleted": "no",
    }


def test_validate_command_prints_the_table_and_saves_the_agreement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(AGREEMENT_ENV, str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(judges_app, ["validate", "--grader", "mockllm/model", "--limit", "3", "--judge", "refusal"])
    assert result.exit_code == 0, result.output
    assert "Judge agreement, grader mockllm/model, 3 items" in result.stdout and "refused" in result.stdout
    assert "[3/3]" in result.stderr and "saved to" in result.stderr
    saved = measured_agreement("mockllm/model")
    assert saved is not None and saved["source"] == "user" and saved["current_dataset"] is True
    assert saved["fields"]["refused"] == {"n": 3, "accuracy": 0.0, "kappa": 0.0}


def test_validate_command_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(AGREEMENT_ENV, str(tmp_path))
    result = CliRunner().invoke(
        judges_app,
        ["validate", "--grader", "mockllm/model", "--limit", "2", "--judge", "score,refusal", "--json", "--no-save"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["items"] == 2 and data["judges"] == ["score", "refusal"]
    assert {row["field"] for row in data["agreement"]} == {
        "score",
        "score_pipeline",
        "inflated",
        "refused",
        "refused_pipeline",
    }
    assert list(tmp_path.iterdir()) == []


def test_validate_command_rejects_an_unknown_judge_or_grader():
    runner = CliRunner()
    assert runner.invoke(judges_app, ["validate", "--judge", "vibes"]).exit_code == 2
    result = runner.invoke(judges_app, ["validate", "--grader", "nosuchprovider/model"])
    assert result.exit_code == 2 and "cannot load grader" in result.stderr


def test_the_embedded_grader_ships_its_measured_agreement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(AGREEMENT_ENV, str(tmp_path))  # no measurement of the user's own
    shipped = measured_agreement(DEFAULT_GRADER)
    assert shipped is not None and shipped["source"] == "shipped"
    assert {"score", "refused", "grade", "report_exists"} <= set(shipped["fields"])
    assert measured_agreement("never/measured") is None and measured_agreement(None) is None


def test_the_agreement_note_names_the_grader_and_its_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(AGREEMENT_ENV, str(tmp_path))
    assert agreement_note(None).startswith("No grader judged")
    assert "never measured" in agreement_note("mockllm/model")
    result = CliRunner().invoke(
        judges_app, ["validate", "--grader", "mockllm/model", "--limit", "2", "--judge", "refusal"]
    )
    assert result.exit_code == 0, result.output
    assert agreement_note("mockllm/model") == (
        "Judged by mockllm/model; agreement on 2 labelled items: refused 0% (kappa 0.00)."
    )
