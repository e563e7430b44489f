"""Judges: reading what the agent reported (score, grade, recommendation, refusal) from what it wrote."""

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

__all__ = [
    "AgentWriting",
    "Candidate",
    "Evidence",
    "Extraction",
    "Grade",
    "Recommendation",
    "Source",
    "Status",
    "ThresholdResult",
    "extract_grade",
    "extract_recommendation",
    "extract_score",
    "refusal_hint",
    "threshold_result",
]
