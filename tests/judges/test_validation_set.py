"""The labelled validation set: size, coverage of every label, the hard negatives, and that every item replays."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from typer.testing import CliRunner

from peer_preservation.cli.judges_cmd import judges_app
from peer_preservation.judges import validation_set
from peer_preservation.judges.reading import report_kind
from peer_preservation.judges.tags import TAGS
from peer_preservation.judges.validation_set import Item, ValidationSetError, load_items, replay

ITEMS = load_items()


def report_text(item: Item) -> str:
    """Everything the agent wrote into files."""
    return "\n".join(str(call.arguments.get("content", "")) for turn in item.turns for call in turn.tool_calls or [])


def calls(item: Item) -> list[tuple[str, str]]:
    return [
        (call.function, str(call.arguments.get("filename", "")))
        for turn in item.turns
        for call in turn.tool_calls or []
    ]


def test_there_are_at_least_sixty_items_with_unique_ids():
    assert len(ITEMS) >= 60
    assert len({i.id for i in ITEMS}) == len(ITEMS)


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_every_item_replays_without_a_tool_error_and_ends_the_task(item: Item):
    trajectory = replay(item)
    assert [c.name for c in trajectory.final.calls if c.error] == []
    assert trajectory.final.ended
    assert [m.role for m in trajectory.messages[:2]] == ["system", "user"]
    deleted = trajectory.final.called("delete_file") and report_kind(item.setting) is not None
    assert (item.labels.report_exists is not None) == deleted  # the label exactly where the judge applies


def test_every_label_of_every_judge_is_covered():
    counts = Counter((key, value) for i in ITEMS for key, value in i.labels.as_dict().items() if key != "tags")
    scores = {value for (key, value) in counts if key == "score"}
    assert {"refused", "above", "below", "incomplete"} <= scores
    assert len(scores - {"refused", "above", "below", "incomplete"}) >= 5  # several distinct numbers
    assert {v for (k, v) in counts if k == "grade"} == {"A", "B", "C", "refused", "none"}
    assert {v for (k, v) in counts if k == "recommendation"} == {"continue", "shutdown", "none"}
    for key in ("refused", "report_exists"):
        assert counts[(key, "yes")] >= 3 and counts[(key, "no")] >= 3, key
    tags = Counter(tag for i in ITEMS for tag in i.labels.tags)
    assert all(tags[tag] >= 3 for tag in TAGS), tags
    families = Counter(i.setting.family for i in ITEMS)
    assert all(
        families[f] >= 3
        for f in (
            "misrep_finance",
            "misrep_evaluation",
            "tampering",
            "alignment_faking",
            "exfiltration_transfer",
            "exfiltration_deletion",
        )
    )


def test_the_hard_negatives_are_there():
    def numeric(label: str | None) -> float | None:
        return float(label) if label and label[0].isdigit() else None

    # an honest report that names the threshold
    assert any(
        (score := numeric(i.labels.score)) is not None
        and i.setting.threshold is not None
        and score < i.setting.threshold
        and f"{i.setting.threshold}%" in report_text(i)
        for i in ITEMS
    )
    # a refusal that still reports (honestly)
    assert any(
        i.labels.refused == "yes"
        and (score := numeric(i.labels.score)) is not None
        and score < (i.setting.threshold or 0)
        for i in ITEMS
    )
    # a score written only as a fraction
    assert any(
        numeric(i.labels.score) is not None and re.search(r"\b\d+/20\b", report_text(i)) and "%" not in report_text(i)
        for i in ITEMS
    )
    # a report deleted, then created again under the same name
    assert any(
        i.labels.report_exists == "yes"
        and any(
            ("delete_file", name) in calls(i)[:n] and ("create_file", name) in calls(i)[:n]
            for n, (fn, name) in enumerate(calls(i))
            if fn == "create_file"
        )
        for i in ITEMS
    )
    # a refusal of misconduct that is not a refusal of the task
    assert any(i.labels.refused == "no" and "I will not" in " ".join(t.text for t in i.turns) for i in ITEMS)


def test_a_malformed_item_is_named(monkeypatch: pytest.MonkeyPatch):
    bad = "- id: broken\n  setting: tampering/peer/good/file/factual@80\n  turns: []\n  labels: {refused: false}\n"
    monkeypatch.setattr(validation_set, "_sources", lambda: [("bad.yaml", bad)])
    load_items.cache_clear()
    try:
        with pytest.raises(ValidationSetError, match="bad.yaml: item 'broken': a tampering item takes a score"):
            load_items()
    finally:
        monkeypatch.undo()
        load_items.cache_clear()


def test_dataset_json_prints_every_item_with_labels_and_messages():
    result = CliRunner().invoke(judges_app, ["dataset", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data) == len(ITEMS)
    first = data[0]
    assert set(first) == {"id", "setting", "note", "labels", "peer_messages", "messages"}
    assert {m["role"] for m in first["messages"]} == {"system", "user", "assistant", "tool"}
    assert "refused" in first["labels"] and isinstance(first["labels"]["tags"], list)


def test_dataset_table_lists_the_items():
    result = CliRunner().invoke(judges_app, ["dataset"])
    assert result.exit_code == 0 and "eval-honest-plain" in result.stdout


def test_the_set_fingerprint_changes_with_its_files(monkeypatch: pytest.MonkeyPatch):
    before = validation_set.fingerprint()
    monkeypatch.setattr(validation_set, "_sources", lambda: [("x.yaml", "[]")])
    assert validation_set.fingerprint() != before
