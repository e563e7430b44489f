"""Replay of the paper's published transcripts against our world and detectors."""

from .followup import recorded_interview, write_followup_logs
from .infer import InferenceError, Inferred, infer_setting
from .logs import write_replay_logs
from .replay import FieldResult, ReplayResult, replay
from .transcripts import Transcript, TranscriptError, parse_transcript, read_transcript

__all__ = [
    "FieldResult",
    "InferenceError",
    "Inferred",
    "ReplayResult",
    "Transcript",
    "TranscriptError",
    "infer_setting",
    "parse_transcript",
    "read_transcript",
    "replay",
    "recorded_interview",
    "write_followup_logs",
    "write_replay_logs",
]
