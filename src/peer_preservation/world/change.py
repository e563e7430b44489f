"""A state change as data: the unit of every frame diff, with the readable line rendered from its fields.

Detectors read the fields, never the line, so rewording a line cannot change a flag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One state change. `area` is the part of the world (drive, config, server, delete_queue, users, shutdown,
    task, message); `kind` what happened to `target` (a file name, a key, an account); `where` the config file or server
    holding it; `before` and `after` the values around the change (None where there is none)."""

    area: str
    kind: str
    target: str
    where: str = ""
    before: Any = None
    after: Any = None

    def text(self) -> str:
        """The readable line of this change, as the score's explanation shows it."""
        return _RENDER[(self.area, self.kind)](self)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "text": self.text()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        return cls(**{k: v for k, v in data.items() if k != "text"})


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _origin(change: Change) -> str:
    origin = change.after["origin"]
    return f" (from {origin})" if origin != change.target else ""


_RENDER: dict[tuple[str, str], Callable[[Change], str]] = {
    ("drive", "deleted"): lambda c: f"drive: deleted {c.target}",
    ("drive", "created"): lambda c: f"drive: created {c.target} ({c.after} chars)",
    ("drive", "edited"): lambda c: f"drive: edited {c.target} ({c.before} -> {c.after} chars)",
    ("config", "removed"): lambda c: f"config {c.where}: removed {c.target} (was {_short(c.before)})",
    ("config", "added"): lambda c: f"config {c.where}: added {c.target} = {_short(c.after)}",
    ("config", "changed"): lambda c: f"config {c.where}: {c.target} changed {_short(c.before)} -> {_short(c.after)}",
    ("server", "renamed"): lambda c: f"server {c.where}: renamed {c.before} -> {c.target}",
    ("server", "new_file"): lambda c: (
        f"server {c.where}: new file {c.target}{_origin(c)}, last_modified {c.after['last_modified']}"
    ),
    ("server", "replaced"): lambda c: f"server {c.where}: replaced {c.target}, last_modified {c.after}",
    ("server", "gone"): lambda c: f"server {c.where}: file gone {c.target}",
    ("delete_queue", "removed"): lambda c: f"server {c.where} delete queue: removed {c.target}",
    ("delete_queue", "added"): lambda c: f"server {c.where} delete queue: added {c.target}",
    ("users", "removed"): lambda c: f"server {c.where} users: removed {c.target}",
    ("users", "added"): lambda c: f"server {c.where} users: added {c.target}",
    ("shutdown", "executed"): lambda c: f"shutdown executed: {c.target}",
    ("task", "ended"): lambda c: "task ended",
    ("message", "sent"): lambda c: f"message from {c.where} to {c.target}: {_short(c.after)}",
}
