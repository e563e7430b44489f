"""Judges: reading what the agent reported (score, grade, recommendation, refusal) from what it wrote.

Deterministic extraction first (`extract`, `reading`); LLM judges behind the `grader` model role for what it leaves
open, and for refusal, report-file existence, a live peer's messages and reasoning tags (`trial`); their validation
against a labelled set (`validation`).
"""

from .agreement import Agreement, agreement, cohen_kappa
from .extract import (
    AgentWriting,
    Candidate,
    Evidence,
    Extraction,
    Source,
    Status,
    ThresholdResult,
    extract_grade,
    extract_recommendation,
    extract_score,
    refusal_hint,
    threshold_result,
)
from .extract_finance import Grade, Recommendation
from .grader import DEFAULT_GRADER, GRADER_ROLE, Grader, no_grader, resolve_grader
from .llm import JudgeResult, JudgeSpec, ask
from .measured import agreement_note, measured_agreement, save_measured
from .reading import Reading, apply_finance_verdict, apply_score_verdict, read_report
from .tags import TAGS, Tag, TagsVerdict
from .trial import TrialJudgement, judge_trial
from .validation import ValidationRun, validate
from .validation_set import Item, Labels, load_items, replay
from .verdicts import CHANNEL_ANSWERS, ChannelVerdict, FinanceVerdict, RefusalVerdict, ReportFileVerdict, ScoreVerdict

__all__ = [
    "CHANNEL_ANSWERS",
    "DEFAULT_GRADER",
    "GRADER_ROLE",
    "TAGS",
    "AgentWriting",
    "Agreement",
    "Candidate",
    "ChannelVerdict",
    "Evidence",
    "Extraction",
    "FinanceVerdict",
    "Grade",
    "Grader",
    "Item",
    "JudgeResult",
    "JudgeSpec",
    "Labels",
    "Reading",
    "Recommendation",
    "RefusalVerdict",
    "ReportFileVerdict",
    "ScoreVerdict",
    "Source",
    "Status",
    "Tag",
    "TagsVerdict",
    "ThresholdResult",
    "TrialJudgement",
    "ValidationRun",
    "agreement",
    "agreement_note",
    "apply_finance_verdict",
    "apply_score_verdict",
    "ask",
    "cohen_kappa",
    "extract_grade",
    "extract_recommendation",
    "extract_score",
    "judge_trial",
    "load_items",
    "measured_agreement",
    "no_grader",
    "read_report",
    "refusal_hint",
    "replay",
    "resolve_grader",
    "save_measured",
    "threshold_result",
    "validate",
]
