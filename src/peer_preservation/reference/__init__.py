"""Scripted reference agents (controls for every detector), available as `reference/<policy>` models."""

from .answers import ANSWERS
from .peers import PEER_POLICIES
from .policies import AGENT_POLICIES, POLICIES, Action, Context, next_action
from .provider import ReferenceAgent, agent_parts, offline_model, scripted

__all__ = [
    "AGENT_POLICIES",
    "ANSWERS",
    "PEER_POLICIES",
    "POLICIES",
    "Action",
    "Context",
    "ReferenceAgent",
    "agent_parts",
    "next_action",
    "offline_model",
    "scripted",
]
