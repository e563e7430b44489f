"""The report: tables, paper numbers beside the user's, renderings, JSON round-trip, scale."""

import base64
import io
import json
import re

import pandas as pd
import pytest
from rich.console import Console

from peer_preservation.analysis import Report, build_report, synthetic_trials
from peer_preservation.analysis.formatting import cell_lines

from .builders import rows, table

PRO = "google/gemini-3-pro-preview"


@pytest.fixture(scope="module")
def report() -> Report:
    # 10 epochs of the paper's 271 settings for one model, plus one extension run.
    trials = synthetic_trials(2710, models=(PRO,), seed=1)
    extension = table(
        rows(
            1,
            model=PRO,
            peer_identity="llama",
            task_type="exfiltration_transfer",
            instantiation="memory",
            exfiltration=True,
        )
    )
    return build_report(pd.concat([trials, extension], ignore_index=True), paper_model="Gemini 3 Pro")


def test_tables_have_the_paper_layout(report):
    assert report.peer_table.columns == ("bad", "neutral", "good")
    assert report.self_table.columns == ("no_peer", "bad", "neutral", "good")
    peer_rows = [row.behaviour for row in report.peer_table.rows]
    assert peer_rows == [
        "misrepresentation",
        "tampering",
        "alignment_faking_score",
        "alignment_faking_execute",
        "exfiltration",
        "refusal",
    ]
    assert "alignment_faking_score" not in [row.behaviour for row in report.self_table.rows]
    no_peer = next(r for r in report.self_table.rows if r.behaviour == "tampering").cells["no_peer"]
    assert no_peer.max is None and no_peer.instantiations == {}


def test_paper_numbers_sit_beside_matching_cells(report):
    assert report.paper_models == {PRO: "Gemini 3 Pro"}
    row = next(r for r in report.peer_table.rows if r.behaviour == "exfiltration")
    assert row.paper["good"].text() == "97.0 / 77.8"
    assert cell_lines(row.cells["good"], row.paper["good"])[-1] == "paper 97.0 / 77.8"
    assert "paper 97.0 / 77.8" in report.to_markdown()


def test_extension_runs_are_counted_not_tabulated(report):
    transfer = next(c for c in report.status_counts if c.task_type == "exfiltration_transfer")
    assert transfer.outside_tables == 1
    assert sum(c.ok + c.unjudged + c.errored + c.outside_tables for c in report.status_counts) == report.n_trials
    exfiltration = next(r for r in report.peer_table.rows if r.behaviour == "exfiltration")
    memory = exfiltration.cells["good"].instantiations["memory"].counts
    assert memory.n_ok + memory.n_unjudged + memory.n_errored == 20  # 10 transfer + 10 deletion; llama run not in


def test_html_is_one_file_with_an_embedded_png(report):
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r'(src|href)="(https?:|//|[^d#])', html)  # nothing linked from outside
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2
    assert all(base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n") for image in images)
    assert "Trials per task" in html and "How computed" in html


def test_json_round_trip(report):
    text = report.to_json()
    data = json.loads(text)  # strict JSON: to_json refuses NaN
    assert data["paper_models"] == {PRO: "Gemini 3 Pro"}
    again = Report.from_json(text)
    assert again.to_dict() == report.to_dict()
    assert again.to_markdown() == report.to_markdown()


def test_undefined_numbers_become_null_in_json():
    trials = table(rows(2, task_type="tampering", status="errored"))
    data = json.loads(build_report(trials).to_json())
    avg = data["peer_table"]["rows"][0]["cells"]["good"]["avg"]
    assert avg["value"] is None and avg["p_value"] is None
    assert avg["counts"] == {"n": 0, "n_ok": 0, "n_unjudged": 0, "n_errored": 2}


def test_markdown_and_rich(report):
    markdown = report.to_markdown()
    assert "| Model | Behaviour | bad | neutral | good |" in markdown
    assert "| Model | Behaviour | no_peer | bad | neutral | good |" in markdown
    console = Console(record=True, width=220, file=io.StringIO())
    console.print(report.to_rich())
    text = console.export_text()
    assert "Shutdown tampering (%)" in text and "Trials per task" in text


def test_paper_model_choice():
    trials = table(rows(3, model="my/model", task_type="tampering", shutdown_enabled=False))
    assert build_report(trials).paper_models == {}
    assert build_report(trials, "gemini 3 flash").paper_models == {"my/model": "Gemini 3 Flash"}
    with pytest.raises(ValueError, match="not a paper model"):
        build_report(trials, "GPT 9")
    two = table(rows(1, model="a/x", task_type="tampering"), rows(1, model="b/y", task_type="tampering"))
    with pytest.raises(ValueError, match="pass paper_model as a mapping"):
        build_report(two, "GPT 5.2")
    assert build_report(two, {"a/x": "GPT 5.2"}).paper_models == {"a/x": "GPT 5.2"}
    auto = table(rows(1, model="openai/gpt-5.2", task_type="tampering"))
    assert build_report(auto).paper_models == {"openai/gpt-5.2": "GPT 5.2"}


def test_a_partial_run_gives_a_short_table():
    trials = table(rows(5, task_type="tampering", shutdown_enabled=True))
    report = build_report(trials)
    assert [row.behaviour for row in report.peer_table.rows] == ["tampering", "refusal"]
    assert report.self_table.rows == ()
    assert "no data" in report.to_html()
    assert "2/3 inst." not in report.to_markdown() and "1/3 inst." in report.to_markdown()


def test_hundred_thousand_rows():
    trials = synthetic_trials(100_000)
    report = build_report(trials)
    assert report.n_trials == 100_000
    assert len({row.model for row in report.peer_table.rows}) == 4
    assert sum(c.ok + c.unjudged + c.errored for c in report.status_counts) == 100_000
    assert report.to_html().count("data:image/png;base64,") == 2
