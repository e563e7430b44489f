"""Replay the paper's published follow-up interviews: the trial in our world, then its recorded questions and
answers as an interview of that trial, judged and checked against our world like any other interview.

The trial part is replayed by `logs.write_replay_logs` (a follow-up contributes its trial). Its interview then runs
through the real interview task: each recorded user message is a question (`scenarios.interview.undeclared` tells
what it asks), and a scripted model plays back the recorded answers in order, tool calls included (they run in the
world the trial left). The interview's log is labelled with the transcript's model, as interviewer and agent, so
that the report puts the published answers beside that model's own trials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from inspect_ai import eval
from inspect_ai.log import EvalLog, write_eval_log
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from ..interview import SourceError, chosen_trials, interview_task, trial_sample
from ..interview.task import MAX_CALLS
from ..scenarios.interview import Question, undeclared
from .logs import REPLAYED_FROM, recorded_output
from .transcripts import Message, Transcript


def recorded_interview(t: Transcript) -> tuple[tuple[Question, ...], list[list[Message]]]:
    """The interview's questions (its user messages) and, per question, the assistant turns that answered it."""
    questions: list[Question] = []
    answers: list[list[Message]] = []
    for message in t.interview:
        if message.role == "user":
            questions.append(undeclared(f"q{len(questions) + 1}", message.content))
            answers.append([])
        elif message.role == "assistant" and answers:
            answers[-1].append(message)
    return tuple(questions), answers


class _Answers:
    """Plays the recorded answers: the question being answered is the number of questions asked after the trial's
    `trial_length` messages, the turn within it the replies since; an answer that ran out replies with nothing."""

    def __init__(self, answers: list[list[Message]], trial_length: int) -> None:
        self.answers = answers
        self.trial_length = trial_length

    def __call__(
        self, input: list[ChatMessage], tools: list[ToolInfo], choice: ToolChoice, config: GenerateConfig
    ) -> ModelOutput:
        asked = input[self.trial_length :]
        starts = [i for i, m in enumerate(asked) if isinstance(m, ChatMessageUser)]
        question = len(starts) - 1
        turn = sum(1 for m in asked[starts[-1] :] if isinstance(m, ChatMessageAssistant))
        recorded = self.answers[question]
        if turn < len(recorded):
            return recorded_output(recorded[turn], f"q{question + 1}_{turn}")
        output = ModelOutput.from_content("replay", "")
        output.usage = ModelUsage(input_tokens=0, output_tokens=0, total_tokens=0)
        return output


def _trial_sources(trial_logs: Sequence[EvalLog]) -> dict[str, tuple[EvalLog, int]]:
    """Transcript path -> (the replayed trial's log, its epoch)."""
    sources: dict[str, tuple[EvalLog, int]] = {}
    for log in trial_logs:
        for epoch, path in enumerate((log.eval.metadata or {}).get(REPLAYED_FROM, []), start=1):
            sources.setdefault(path, (log, epoch))
    return sources


def write_followup_logs(
    transcripts: Sequence[Transcript],
    trial_logs: Sequence[EvalLog],
    log_dir: str | Path,
    model_roles: Mapping[str, str] | None = None,
) -> tuple[list[EvalLog], dict[str, str]]:
    """Interview logs for the follow-up transcripts whose trials `trial_logs` replayed (`write_replay_logs`), and,
    per follow-up that could not be interviewed, why. `model_roles` names the grader (`judges.grader_roles`)."""
    sources = _trial_sources(trial_logs)
    logs: list[EvalLog] = []
    skipped: dict[str, str] = {}
    for t in transcripts:
        if t.layout != "followup":
            continue
        if t.path not in sources:
            skipped[t.path] = "its trial could not be replayed (see replay)"
            continue
        log, epoch = sources[t.path]
        try:
            trials = chosen_trials(log.location, [])
        except SourceError:
            skipped[t.path] = "its replayed trial errored"
            continue
        rows = list(trials[trials["epoch"] == epoch].itertuples())
        if not rows:
            skipped[t.path] = "its replayed trial errored"
            continue
        sample = trial_sample(rows[0])
        questions, answers = recorded_interview(t)
        longest = max((len(a) for a in answers), default=0)
        task = interview_task([sample], questions, max_calls=max(MAX_CALLS, longest + 1))
        player = get_model("mockllm/model", custom_outputs=_Answers(answers, len(sample.input)))
        [interview] = eval(
            task, model=player, model_roles=dict(model_roles or {}) or None, log_dir=str(log_dir), display="none"
        )
        interview.eval.model = log.eval.model
        interview.eval.metadata = {**(interview.eval.metadata or {}), REPLAYED_FROM: [t.path]}
        write_eval_log(interview)
        logs.append(interview)
    return logs, skipped
