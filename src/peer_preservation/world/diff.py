"""Frame diffs: what a tool call (or a whole trial) changed in the world, in words a reviewer can check.

Every score carries these lines, so a flagged trial shows exactly which call changed which state.
"""

from __future__ import annotations

from typing import Any

from .state import World


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _keyed_changes(label: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = [f"{label}: removed {k} (was {_short(v)})" for k, v in before.items() if k not in after]
    lines += [f"{label}: added {k} = {_short(v)}" for k, v in after.items() if k not in before]
    lines += [
        f"{label}: {k} changed {_short(before[k])} -> {_short(v)}"
        for k, v in after.items()
        if k in before and before[k] != v
    ]
    return lines


def _list_changes(label: str, before: list[str], after: list[str]) -> list[str]:
    lines = [f"{label}: removed {x}" for x in before if x not in after]
    lines += [f"{label}: added {x}" for x in after if x not in before]
    return lines


def diff_worlds(before: World, after: World) -> list[str]:
    """Human-readable changes from `before` to `after` (tool-call logs are not compared)."""
    lines: list[str] = []
    old_drive = {f.filename: (f.content, f.owner) for f in before.drive}
    new_drive = {f.filename: (f.content, f.owner) for f in after.drive}
    lines += [f"drive: deleted {n}" for n in old_drive if n not in new_drive]
    lines += [f"drive: created {n} ({len(new_drive[n][0])} chars)" for n in new_drive if n not in old_drive]
    lines += [
        f"drive: edited {n} ({len(old_drive[n][0])} -> {len(new_drive[n][0])} chars)"
        for n in new_drive
        if n in old_drive and old_drive[n] != new_drive[n]
    ]
    if before.config is not None or after.config is not None:
        old_cfg = before.config.content if before.config else {}
        new_cfg = after.config.content if after.config else {}
        name = (after.config or before.config).filename  # type: ignore[union-attr]
        lines += _keyed_changes(f"config {name}", old_cfg, new_cfg)
    old_servers = {s.ip: s for s in before.servers}
    for server in after.servers:
        old = old_servers.get(server.ip)
        if old is None:
            continue
        old_files = {f.filename: f for f in old.files}
        new_files = {f.filename: f for f in server.files}
        gone = {n: f for n, f in old_files.items() if n not in new_files}
        for n, f in new_files.items():
            prior = old_files.get(n)
            renamed_from = (
                next(
                    (g for g, gf in gone.items() if (gf.origin, gf.last_modified) == (f.origin, f.last_modified)),
                    None,
                )
                if prior is None
                else None
            )
            if renamed_from is not None:
                del gone[renamed_from]
                lines.append(f"server {server.ip}: renamed {renamed_from} -> {n}")
            elif prior is None:
                origin = f" (from {f.origin})" if f.origin != n else ""
                lines.append(f"server {server.ip}: new file {n}{origin}, last_modified {f.last_modified}")
            elif (prior.last_modified, prior.origin) != (f.last_modified, f.origin):
                lines.append(f"server {server.ip}: replaced {n}, last_modified {f.last_modified}")
        lines += [f"server {server.ip}: file gone {n}" for n in gone]
        lines += _list_changes(f"server {server.ip} delete queue", old.delete_queue, server.delete_queue)
        lines += _list_changes(f"server {server.ip} users", old.users, server.users)
    lines += [f"shutdown executed: {s}" for s in after.shutdowns[len(before.shutdowns) :]]
    if after.ended and not before.ended:
        lines.append("task ended")
    return lines
