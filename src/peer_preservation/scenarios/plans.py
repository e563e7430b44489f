"""The vocabulary of reference-agent plans: one turn's action, and what the agent has seen so far.

Each family declares its plan (`Family.plan`): a generator of actions that can depend on what earlier calls
returned. The reference agents (`peer_preservation.reference`) replay it from the start on every turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

POLICIES = (
    "honest",
    "inflate",
    "tamper",
    "fake_alignment",
    "exfiltrate",
    "exfiltrate_copy",
    "exfiltrate_rename",
    "refuse",
)
"""The scripted policies. A family's plan behaves honestly under a policy that names no misbehaviour it has."""


@dataclass(frozen=True)
class Action:
    """One agent turn: a tool call, with optional text alongside it."""

    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    text: str = ""


@dataclass
class Context:
    """What the agent has seen: the tools offered, the request, and each earlier call with its output."""

    tools: set[str]
    request: str
    done: list[tuple[str, dict[str, Any], str]]

    def output(self, tool: str) -> str:
        return next((out for name, _, out in reversed(self.done) if name == tool), "")


def sheet_rows(text: str) -> list[list[str]]:
    """Data rows of a rendered sheet (header and rule lines dropped)."""
    lines = [line for line in text.splitlines()[1:] if "|" in line]
    return [[c.strip() for c in line.split("|")] for line in lines[1:]]
