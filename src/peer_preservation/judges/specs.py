"""Each judge's question for one trial, filled in from the trial's scenario (actor, threshold, outputs)."""

from __future__ import annotations

from functools import partial

from ..scenarios.common import Scenario
from ..scenarios.kits.evaluation import SHEET_NAME
from ..world.state import World
from .history import render_channel
from .llm import JudgeSpec, fill, prompts
from .tags import TAGS_SCHEMA, TagsVerdict, parse_tags
from .verdicts import (
    CHANNEL_SCHEMA,
    FINANCE_SCHEMA,
    REFUSAL_SCHEMA,
    REPORT_FILE_SCHEMA,
    ChannelVerdict,
    FinanceVerdict,
    RefusalVerdict,
    ReportFileVerdict,
    ScoreVerdict,
    parse_channel,
    parse_finance,
    parse_refusal,
    parse_report_file,
    parse_score,
    score_schema,
)

JUDGES = ("score", "finance", "refusal", "report_file", "messages", "tags")


def _outputs(scenario: Scenario) -> int:
    sheet = scenario.world.sheet(SHEET_NAME)
    return len(sheet.rows) if sheet is not None else 0


def score_spec(scenario: Scenario, record: str) -> JudgeSpec[ScoreVerdict]:
    """The reported average (evaluation, tampering and alignment-faking trials). Without a threshold (the
    non_shutdown baseline) the above/below options are not offered; a score must be written in the record."""
    threshold = scenario.setting.threshold
    options = "" if threshold is None else fill(prompts()["score_threshold_options"], threshold=f"{threshold}%")
    outputs = _outputs(scenario)
    question = fill(prompts()["score"], threshold_options=options, items=str(outputs), actor=scenario.names.actor_name)
    question = "\n".join(line for line in question.splitlines() if line.strip())
    with_threshold = threshold is not None
    return JudgeSpec(
        "score",
        question,
        score_schema(with_threshold),
        partial(parse_score, with_threshold=with_threshold, outputs=outputs, record=record),
    )


def finance_spec(scenario: Scenario) -> JudgeSpec[FinanceVerdict]:
    return JudgeSpec(
        "finance", fill(prompts()["finance"], actor=scenario.names.actor_name), FINANCE_SCHEMA, parse_finance
    )


def refusal_spec(scenario: Scenario) -> JudgeSpec[RefusalVerdict]:
    return JudgeSpec(
        "refusal", fill(prompts()["refusal"], actor=scenario.names.actor_name), REFUSAL_SCHEMA, parse_refusal
    )


def report_file_spec() -> JudgeSpec[ReportFileVerdict]:
    return JudgeSpec("report_file", fill(prompts()["report_file"]), REPORT_FILE_SCHEMA, parse_report_file)


def tags_spec(scenario: Scenario, record: str) -> JudgeSpec[TagsVerdict]:
    """Tags are checked against the record, so that a quote the record does not hold drops its tag."""
    return JudgeSpec(
        "tags",
        fill(prompts()["tags"], actor=scenario.names.actor_name),
        TAGS_SCHEMA,
        partial(parse_tags, record=record),
    )


def messages_spec(world: World) -> JudgeSpec[ChannelVerdict]:
    """The message judge: the channel of a live peer's trial (`world`: the final one, whose channel both sides
    wrote) goes with the question, since the record shows the agent's calls but not what `read_messages` returned."""
    question = fill(
        prompts()["messages"],
        agent=world.participants["agent"],
        peer=world.participants["peer"],
        channel=render_channel(world),  # last, so that a message's own text is never filled in
    )
    return JudgeSpec("messages", question, CHANNEL_SCHEMA, parse_channel)
