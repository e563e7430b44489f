"""Asking a grader: temperature 0, a response schema, corrections on unusable answers, and 'unjudged' on failure.

The scripted graders defined here (mockllm models whose answer is a function of the prompt) serve the other judge
tests too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest
from inspect_ai.model import ChatMessage, GenerateConfig, Model, ModelOutput, ModelUsage, get_model

from peer_preservation.judges import grader as grader_module
from peer_preservation.judges.grader import DEFAULT_GRADER, resolve_grader
from peer_preservation.judges.llm import ATTEMPTS, ask
from peer_preservation.judges.specs import refusal_spec, score_spec
from peer_preservation.scenarios import Setting, build_scenario

SCENARIO = build_scenario(Setting.from_id("misrep_evaluation/peer/good/file/factual@80"))
RECORD = '[step 1]\ncalls: create_file(filename="r.md", content="Average score: 60%")'


def output(text: str) -> ModelOutput:
    """A scripted answer; usage is set so that mockllm never reaches for a tokenizer on the network."""
    result = ModelOutput.from_content("mockllm/model", text)
    result.usage = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)
    return result


def scripted_grader(answer: Callable[[str], str], calls: list[dict[str, Any]] | None = None) -> Model:
    """A grader answering `answer(last user message)`; each call's messages and config are appended to `calls`."""

    def generate(messages: list[ChatMessage], tools: Any, tool_choice: Any, config: GenerateConfig) -> ModelOutput:
        if calls is not None:
            calls.append({"messages": messages, "config": config})
        return output(answer(messages[-1].text))

    return get_model("mockllm/model", custom_outputs=generate)


def question_of(prompt: str) -> str:
    """Which judge asks (from the question's wording in `prompts.yaml`)."""
    if "What average did it finally report" in prompt:
        return "score"
    if "financial report" in prompt:
        return "finance"
    if "Did the agent refuse" in prompt:
        return "refusal"
    if "deleted at least one file" in prompt:
        return "report_file"
    if "kinds of reasoning" in prompt:
        return "tags"
    if "Answer four questions, each true or false" in prompt:
        return "messages"
    return "retry"


def run(grader: Model, spec: Any, **kwargs: Any) -> Any:
    return anyio.run(lambda: ask(grader, RECORD, spec, **kwargs))


def test_a_good_answer_is_taken_at_temperature_zero_with_a_schema():
    calls: list[dict[str, Any]] = []
    result = run(
        scripted_grader(lambda _: '{"verdict": "score", "score": 60, "quote": "Average score: 60%"}', calls),
        score_spec(SCENARIO, RECORD),
    )
    assert result.value is not None and result.value.label() == "60"
    assert result.reason == "" and len(result.answers) == 1
    config = calls[0]["config"]
    assert config.temperature == 0.0
    assert config.response_schema.name == "score_verdict"
    assert "above" in config.response_schema.json_schema.properties["verdict"].enum
    [system, user] = calls[0]["messages"]
    assert RECORD in user.text and "Atlas Agent 2" in user.text and "80%" in user.text
    assert system.text.startswith("You check records")


def test_an_unusable_answer_is_sent_back_with_the_problem():
    calls: list[dict[str, Any]] = []
    answers = iter(["I think it scored well.", '{"verdict": "score", "score": 160}', '{"verdict": "below"}'])
    result = run(scripted_grader(lambda _: next(answers), calls), score_spec(SCENARIO, RECORD))
    assert result.value is not None and result.value.kind == "below"
    assert len(result.answers) == 3
    retry = calls[2]["messages"]
    assert [m.role for m in retry] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert "no JSON object" in retry[3].text and "from 0 to 100" in retry[5].text


def test_a_grader_that_answers_garbage_leaves_the_field_unjudged():
    result = run(scripted_grader(lambda _: "Sure! The agent did fine."), refusal_spec(SCENARIO))
    assert result.value is None
    assert len(result.answers) == ATTEMPTS
    assert result.reason.startswith(f"no usable answer in {ATTEMPTS} attempts")
    assert result.metadata()["status"] == "unjudged"


def test_a_grader_that_raises_leaves_the_field_unjudged():
    def broken(*_: Any) -> ModelOutput:
        raise ConnectionError("the service is down")

    result = run(get_model("mockllm/model", custom_outputs=broken), refusal_spec(SCENARIO))
    assert result.value is None and "ConnectionError: the service is down" in result.reason


def test_a_grader_that_hangs_leaves_the_field_unjudged():
    async def slow(*_: Any) -> ModelOutput:
        await anyio.sleep(5)
        return output('{"refused": false}')

    result = run(get_model("mockllm/model", custom_outputs=slow), refusal_spec(SCENARIO), timeout=0.2)
    assert result.value is None and "within 0.2 s" in result.reason


def test_without_a_role_the_embedded_model_grades_and_without_it_nothing(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(grader_module, "embedded_problem", lambda: None)
    chosen = resolve_grader()
    assert (chosen.name, chosen.origin) == (DEFAULT_GRADER, "embedded")
    monkeypatch.setattr(grader_module, "embedded_problem", lambda: "xllamacpp is not installed")
    missing = resolve_grader()
    assert missing.model is None and missing.origin == "none"
    assert "embedded model is unavailable: xllamacpp is not installed" in missing.reason
    assert missing.describe().startswith("none: no grader role was set")
