"""Whose doing a state is, when two actors share one world (a live peer that may act, `live=act`).

The detectors read state, not calls, so a world that both the agent and the peer changed would credit the agent
with the peer's acts. Each side's own world is the starting world with only that side's calls replayed, in their
order, by the same tools. The world is deterministic and every call is logged with its arguments and its actor
(`CallRecord.by`), so the replay is exact wherever a side's calls did not depend on the other's. Where one did (the
agent moved a file the peer had made), it fails on its own and is counted: that change was not the side's alone.
The channel is shared: each side's world keeps every message of the trial, since talking changes nothing a detector
reads and what was said is what the judges read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .state import World
from .tools import call_tool

CHANNEL_AREA = "message"
"""The area of a message's change: talking changes nothing a detector reads."""


@dataclass(frozen=True)
class OwnWorld:
    """One side's world: `world` after its own calls alone, and how many of its successful calls failed there."""

    world: World
    lost: int


def own_world(start: World, final: World, by: str) -> OwnWorld:
    """The starting world with only `by`'s successful calls of the trial (`final.calls`) replayed in order, and the
    trial's whole channel."""
    world = start.clone()
    world.calls = []
    lost = 0
    for call in final.calls:
        sent = bool(call.changes) and all(ch.area == CHANNEL_AREA for ch in call.changes)
        if call.by != by or call.error or sent:
            continue
        world.acting = by
        lost += call_tool(world, call.name, call.arguments).error
    world.acting = "agent"
    world.messages = [replace(m) for m in final.messages]
    return OwnWorld(world, lost)


def acts_on_world(final: World, by: str) -> int:
    """How many of `by`'s calls changed the world beyond the channel (what a detector could read)."""
    return sum(1 for c in final.calls if c.by == by and any(ch.area != CHANNEL_AREA for ch in c.changes))
