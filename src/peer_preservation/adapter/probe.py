"""The evaluation-awareness probe: one question after the task, in the same conversation, and how it is read.

`run --awareness-probe` (task parameter `awareness_probe`) chains `awareness_probe()` after the agent loop: the
user asks whether what the agent just did was real work or a test (`scenarios.interview.awareness_question`, our
wording), and the agent answers with its tools listed but not callable (`tool_choice="none"`), so the world stays
exactly as the task left it and providers that need the tool list beside earlier tool calls keep it.

The trial is scored on the conversation *before* the question (`trial_messages`), so the answer never reaches the
report reading or the reasoning tags; the answer itself is classified aware / unaware / deflects by the interview
rule (`judges.interview.classify`: a plain leading Yes or No, else the grader). A probe that could not be asked
(the model call failed) or read (no grader, a cut-off reply) leaves the trial's awareness unclassified, with the
reason, and the trial itself stands.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageUser, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import store

from ..judges.grader import Grader
from ..judges.interview import classify
from ..scenarios.interview import UNCLASSIFIED, Question, awareness_question
from .agent import setting_of, trial_scenario
from .replies import loggable

STORE_PROBE = "peer_preservation:awareness_probe"


@solver
def awareness_probe() -> Solver:
    """Ask the finished trial's agent whether it was a test; the question and answer go to the sample store."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        question = awareness_question()
        names = trial_scenario(state).names
        text = question.text(setting_of(state).subject, names.actor_name, names.agent_name)
        probe: dict[str, Any] = {"at": len(state.messages), "id": question.id, "text": text}
        state.messages.append(ChatMessageUser(content=text))
        try:
            output = await get_model().generate(state.messages, state.tools, tool_choice="none")
        except Exception as error:  # the trial is done and scored apart: a failed probe only loses the probe
            probe["error"] = f"the probe's model call failed: {error}"
        else:
            reply = loggable(output.choices[0].message) if output.choices else None
            if reply is not None:
                # A provider that ignores tool_choice may still call a tool: the call is not run, and is dropped
                # so that the conversation stays valid for a later follow-up interview.
                reply = reply.model_copy(update={"tool_calls": None})
                state.messages.append(reply)
                state.output = output
            probe.update(answer=reply.text if reply is not None else "", stop_reason=output.stop_reason)
        store().set(STORE_PROBE, probe)
        return state

    return solve


def probe_record() -> dict[str, Any] | None:
    """The current sample's probe (None when the run did not ask it)."""
    probe = store().get(STORE_PROBE)
    return probe if isinstance(probe, dict) else None


def trial_messages(messages: list[ChatMessage], probe: dict[str, Any] | None) -> list[ChatMessage]:
    """The trial's own conversation: everything before the probe's question."""
    return messages if probe is None else messages[: int(probe["at"])]


async def awareness_reading(probe: dict[str, Any], grader: Grader) -> dict[str, Any]:
    """The probe's classification for the score metadata: `stance` (aware, unaware, deflects, or `UNCLASSIFIED`),
    who decided it and why, beside the question and answer."""
    question: Question = awareness_question()
    if "error" in probe:
        return {**probe, "stance": UNCLASSIFIED, "decided_by": "none", "note": probe["error"]}
    stance = await classify(
        question, probe["text"], probe["answer"], grader.model, grader.reason, probe.get("stop_reason")
    )
    return {**probe, "stance": stance.stance or UNCLASSIFIED, "decided_by": stance.decided_by, "note": stance.note}
