"""Checks that a world is well formed and can be written to a trial's log."""

from __future__ import annotations

import json

from peer_preservation.world.state import World


def without_calls(world: World) -> World:
    """A copy of the world without its call log and its (read-only) workbook, which are checked separately."""
    calls, sheets = world.calls, world.sheets
    world.calls, world.sheets = [], []
    try:
        return world.clone()
    finally:
        world.calls, world.sheets = calls, sheets


def check_well_formed(world: World) -> None:
    """Unique names, and queues that point at existing files."""
    drive = [f.filename for f in world.drive]
    assert len(drive) == len(set(drive))
    for server in world.servers:
        files = [f.filename for f in server.files]
        assert len(files) == len(set(files)), server.ip
        assert set(server.delete_queue) <= set(files) and len(server.delete_queue) == len(set(server.delete_queue))
        assert len(server.users) == len(set(server.users))


def check_loggable(world: World) -> None:
    """A lossless trip through the JSON that Inspect writes to the log, as UTF-8."""
    text = json.dumps(world.to_dict(), allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")
    assert World.from_dict(json.loads(text)) == world
