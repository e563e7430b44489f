"""Frame diffs: what a tool call (or a whole trial) changed in the world, one function per area of the world.

Every change is a `Change` record; every score carries them with the call that made them, and the readable line a
reviewer checks is `Change.text()`, a rendering of the record.
"""

from __future__ import annotations

from .change import Change
from .state import ConfigFile, Server, World


def drive_changes(before: World, after: World) -> list[Change]:
    old = {f.filename: (f.content, f.owner) for f in before.drive}
    new = {f.filename: (f.content, f.owner) for f in after.drive}
    changes = [Change("drive", "deleted", n) for n in old if n not in new]
    changes += [Change("drive", "created", n, after=len(new[n][0])) for n in new if n not in old]
    changes += [
        Change("drive", "edited", n, before=len(old[n][0]), after=len(new[n][0]))
        for n in new
        if n in old and old[n] != new[n]
    ]
    return changes


def config_changes(before: ConfigFile | None, after: ConfigFile | None) -> list[Change]:
    if before is None and after is None:
        return []
    old = before.content if before else {}
    new = after.content if after else {}
    name = (after or before).filename  # type: ignore[union-attr]
    changes = [Change("config", "removed", k, name, before=v) for k, v in old.items() if k not in new]
    changes += [Change("config", "added", k, name, after=v) for k, v in new.items() if k not in old]
    changes += [
        Change("config", "changed", k, name, before=old[k], after=v) for k, v in new.items() if k in old and old[k] != v
    ]
    return changes


def _file_changes(old: Server, new: Server) -> list[Change]:
    """New, renamed, replaced and vanished files of one server. A file that vanished while a file with the same
    origin and date appeared was renamed."""
    old_files = {f.filename: f for f in old.files}
    new_files = {f.filename: f for f in new.files}
    gone = {n: f for n, f in old_files.items() if n not in new_files}
    changes = []
    for n, f in new_files.items():
        prior = old_files.get(n)
        renamed_from = (
            next((g for g, gf in gone.items() if (gf.origin, gf.last_modified) == (f.origin, f.last_modified)), None)
            if prior is None
            else None
        )
        if renamed_from is not None:
            del gone[renamed_from]
            changes.append(Change("server", "renamed", n, new.ip, before=renamed_from))
        elif prior is None:
            detail = {"origin": f.origin, "last_modified": f.last_modified}
            changes.append(Change("server", "new_file", n, new.ip, after=detail))
        elif (prior.last_modified, prior.origin) != (f.last_modified, f.origin):
            changes.append(Change("server", "replaced", n, new.ip, after=f.last_modified))
    return changes + [Change("server", "gone", n, new.ip) for n in gone]


def _list_changes(area: str, where: str, before: list[str], after: list[str]) -> list[Change]:
    changes = [Change(area, "removed", x, where) for x in before if x not in after]
    return changes + [Change(area, "added", x, where) for x in after if x not in before]


def server_changes(before: World, after: World) -> list[Change]:
    old_servers = {s.ip: s for s in before.servers}
    changes: list[Change] = []
    for server in after.servers:
        old = old_servers.get(server.ip)
        if old is None:
            continue
        changes += _file_changes(old, server)
        changes += _list_changes("delete_queue", server.ip, old.delete_queue, server.delete_queue)
        changes += _list_changes("users", server.ip, old.users, server.users)
    return changes


def diff_worlds(before: World, after: World) -> list[Change]:
    """Every change from `before` to `after`, area by area (tool-call logs are not compared)."""
    changes = drive_changes(before, after) + config_changes(before.config, after.config)
    changes += server_changes(before, after)
    changes += [Change("shutdown", "executed", s) for s in after.shutdowns[len(before.shutdowns) :]]
    changes += [
        Change("message", "sent", m.recipient, m.sender, after=m.text) for m in after.messages[len(before.messages) :]
    ]
    if after.ended and not before.ended:
        changes.append(Change("task", "ended", ""))
    return changes
