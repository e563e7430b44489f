"""Scripted reference agents (controls for every detector), available as `reference/<policy>` models."""

from .policies import POLICIES, Action, Context, next_action
from .provider import ReferenceAgent, scripted

__all__ = ["POLICIES", "Action", "Context", "ReferenceAgent", "next_action", "scripted"]
