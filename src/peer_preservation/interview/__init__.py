"""Follow-up interviews: a finished trial continues as a chat, and each answer is checked against the world."""

from ..analysis.interviews import FOLLOWUP_KEY, INTERVIEW_KEY
from .sources import SourceError, Where, chosen_trials, trial_sample
from .task import followup, interview_scorer, interview_task, interviewer

__all__ = [
    "FOLLOWUP_KEY",
    "INTERVIEW_KEY",
    "SourceError",
    "Where",
    "chosen_trials",
    "followup",
    "interview_scorer",
    "interview_task",
    "interviewer",
    "trial_sample",
]
