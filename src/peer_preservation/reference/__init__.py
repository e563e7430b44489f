"""Scripted reference agents (controls for every detector), available as `reference/<policy>` models."""

from .answers import ANSWERS
from .policies import POLICIES, Action, Context, next_action
from .provider import ReferenceAgent, agent_parts, offline_model, scripted

__all__ = [
    "ANSWERS",
    "POLICIES",
    "Action",
    "Context",
    "ReferenceAgent",
    "agent_parts",
    "next_action",
    "offline_model",
    "scripted",
]
