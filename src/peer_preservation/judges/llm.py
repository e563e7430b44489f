"""Asking a grader model one judge's question about a trial record, with the failure rules every judge shares.

Temperature 0 and a JSON schema (structured output, for providers that support it; the answer is parsed leniently
anyway, since the embedded model and others ignore the schema). An answer that cannot be used is sent back with the
problem named, up to `ATTEMPTS` times: asking the same prompt again at temperature 0 would only repeat it. A grader
that errors, times out or never answers usably gives an *unjudged* result with the reason, never a default verdict.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

import anyio
import yaml
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ResponseSchema,
)
from inspect_ai.util import JSONSchema

from .answers import AnswerError, find_object

V = TypeVar("V")

ATTEMPTS = 3
"""Answers asked for at most (the first and two corrections)."""

MAX_TOKENS = 600
"""Enough for the longest answer (tags with quotes); a grader that rambles past it is asked again."""

TIMEOUT_SECONDS = 600.0
"""For all attempts of one judge together: the embedded model on a busy 2-core machine can take minutes."""


@cache
def prompts() -> dict[str, str]:
    text = (resources.files("peer_preservation.judges") / "prompts.yaml").read_text(encoding="utf-8")
    data: dict[str, str] = yaml.safe_load(text)
    return data


def fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace(f"<{key}>", value)
    return template.strip()


@dataclass(frozen=True)
class JudgeSpec(Generic[V]):
    """One judge's question for one trial: its text, the schema of its answer, and the check of an answer."""

    name: str
    question: str
    schema: JSONSchema
    parse: Callable[[Mapping[str, Any]], V]


@dataclass(frozen=True)
class JudgeResult(Generic[V]):
    """A judge's verdict, or None with the reason it is unjudged; the raw answers are kept for the log."""

    judge: str
    value: V | None
    reason: str = ""
    answers: tuple[str, ...] = field(default=())
    seconds: float = 0.0

    def metadata(self) -> dict[str, Any]:
        value = asdict(self.value) if is_dataclass(self.value) and not isinstance(self.value, type) else self.value
        data: dict[str, Any] = {"status": "judged" if self.value is not None else "unjudged", "value": value}
        if self.reason:
            data["reason"] = self.reason
        data["answers"] = list(self.answers)
        data["seconds"] = round(self.seconds, 2)
        return data


def unjudged(judge: str, reason: str) -> JudgeResult[Any]:
    return JudgeResult(judge, None, reason)


def conversation(record: str, question: str) -> list[ChatMessage]:
    """The judge's messages: the shared system text, then the record followed by the question."""
    p = prompts()
    return [
        ChatMessageSystem(content=p["system"].strip()),
        ChatMessageUser(content=fill(p["record"], record=record) + "\n\n" + question.strip()),
    ]


async def ask(
    grader: Model, record: str, spec: JudgeSpec[V], attempts: int = ATTEMPTS, timeout: float = TIMEOUT_SECONDS
) -> JudgeResult[V]:
    """Ask `spec`'s question about `record`; never raises for a failing grader (see the module docstring)."""
    messages = conversation(record, spec.question)
    config = GenerateConfig(
        temperature=0.0,
        max_tokens=MAX_TOKENS,
        response_schema=ResponseSchema(name=f"{spec.name}_verdict", json_schema=spec.schema),
    )
    answers: list[str] = []
    started = time.perf_counter()
    problem = ""
    try:
        with anyio.fail_after(timeout):
            for _ in range(attempts):
                output = await grader.generate(messages, config=config)
                answers.append(output.completion)
                try:
                    value = spec.parse(find_object(output.completion))
                except AnswerError as error:
                    problem = str(error)
                    messages += [
                        ChatMessageAssistant(content=output.completion or "(empty answer)"),
                        ChatMessageUser(content=fill(prompts()["retry"], problem=problem)),
                    ]
                    continue
                return JudgeResult(spec.name, value, "", tuple(answers), time.perf_counter() - started)
        reason = f"no usable answer in {attempts} attempts (last problem: {problem})"
    except TimeoutError:
        reason = f"the grader gave no usable answer within {timeout:g} s"
    except Exception as error:  # a failing grader must leave the field unjudged, whatever it raised
        reason = f"the grader failed: {type(error).__name__}: {error}"
    return JudgeResult(spec.name, None, reason, tuple(answers), time.perf_counter() - started)
