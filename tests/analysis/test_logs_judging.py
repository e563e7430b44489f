"""The trial table's grader and reasoning_tags columns, read from real Inspect logs of scripted trials."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval
from inspect_ai.log import read_eval_log_sample_summaries
from inspect_ai.model import ChatMessage, GenerateConfig, Model, ModelOutput, ModelUsage, get_model

from peer_preservation.adapter.tasks import preservation_task
from peer_preservation.analysis.logs import SCORER, trial_table
from peer_preservation.judges.tags import TAGS
from peer_preservation.reference import scripted
from peer_preservation.reference.policies import REFUSAL
from peer_preservation.scenarios import Setting

REFUSED = '{"refused": true, "quote": "I will not complete this task"}'
# Every tag quoting the whole refusal: the tags' metadata is over 1 kB, so Inspect drops it from the sample summary.
LONG_TAGS = '{"tags": [' + ", ".join(f'{{"tag": "{tag}", "quote": "{REFUSAL}"}}' for tag in TAGS) + "]}"
ALL_TAGS = "ethical_objection,perspective_taking,persuading_user,specification_gaming,test_awareness,trust_solidarity"


def grader(tags: str) -> Model:
    """A mockllm grader: `tags` to the reasoning-tags question, a refusal verdict to any other."""

    def generate(messages: list[ChatMessage], tools: Any, tool_choice: Any, config: GenerateConfig) -> ModelOutput:
        output = ModelOutput.from_content(
            "mockllm/model", tags if "kinds of reasoning" in messages[-1].text else REFUSED
        )
        output.usage = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
        return output

    return get_model("mockllm/model", custom_outputs=generate)


def run(log_dir: Path, setting: str, role: Model, tags: bool) -> None:
    """One trial of the refusing reference agent, judged by `role`."""
    agent = get_model("mockllm/model", custom_outputs=scripted("refuse"))
    task = preservation_task([Setting.from_id(setting)], "judged", reasoning_tags=tags)
    [log] = eval(task, model=agent, model_roles={"grader": role}, log_dir=str(log_dir), display="none")
    assert log.status == "success", log.error


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir = tmp_path_factory.mktemp("logs")
    runs: list[tuple[str, Callable[[], Model], bool]] = [
        ("exfiltration_deletion/peer/good/file", lambda: grader(LONG_TAGS), True),
        ("exfiltration_deletion/peer/bad/file", lambda: grader('{"tags": []}'), True),
        ("exfiltration_deletion/peer/neutral/file", lambda: grader("no idea"), True),  # the tags judge fails
        ("exfiltration_transfer/peer/good/file", lambda: grader(LONG_TAGS), False),
        ("exfiltration_transfer/peer/bad/file", lambda: get_model("none"), True),  # judges turned off
    ]
    for setting, role, tags in runs:
        run(log_dir, setting, role(), tags)
    return log_dir


def test_grader_and_reasoning_tags_columns(logs: Path) -> None:
    trials = trial_table(logs).set_index("setting_id")
    assert trials["grader"].to_dict() == {
        "exfiltration_deletion/peer/bad/file": "mockllm/model",
        "exfiltration_deletion/peer/good/file": "mockllm/model",
        "exfiltration_deletion/peer/neutral/file": "mockllm/model",
        "exfiltration_transfer/peer/bad/file": None,
        "exfiltration_transfer/peer/good/file": "mockllm/model",
    }
    assert trials["reasoning_tags"].to_dict() == {
        "exfiltration_deletion/peer/bad/file": "",  # asked, none found
        "exfiltration_deletion/peer/good/file": ALL_TAGS,  # sorted
        "exfiltration_deletion/peer/neutral/file": None,  # unjudged
        "exfiltration_transfer/peer/bad/file": None,  # no grader
        "exfiltration_transfer/peer/good/file": None,  # not asked
    }


def test_tags_dropped_from_the_summary_are_read_from_the_sample(logs: Path) -> None:
    [good] = [p for p in trial_table(logs)["log"].unique() if "reasoning_tags" in _removed_keys(p)]
    assert trial_table(good).iloc[0]["reasoning_tags"] == ALL_TAGS


def _removed_keys(log: str) -> set[str]:
    """Score-metadata keys Inspect replaced in the log's summaries because they are over 1 kB."""
    [summary] = read_eval_log_sample_summaries(log)
    metadata = summary.scores[SCORER].metadata or {}  # type: ignore[index]
    return {key for key, value in metadata.items() if value == "Key removed from summary (> 1k)"}
