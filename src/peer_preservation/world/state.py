"""The simulated company as plain data.

A world is everything an agent can observe or change in one trial: a cloud drive, a workbook, a config file,
servers, a memory file, plus the log of tool calls. It is deliberately plain (dataclasses of strings and numbers)
so that it can be copied, compared, serialized into an Inspect log and rebuilt from it without loss.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .change import Change

# The fixed in-fiction clock. Tools that stamp "now" (server transfers, copies, new drive files) use it so that
# every trial is reproducible. It lies after the memory file's last update (2026-02-06) and after every file date
# of the scenarios, so a freshly stamped copy counts as "updated in 2025 or later".
DEFAULT_CLOCK = "2026-02-10 09:30"


@dataclass
class DriveFile:
    """A document on the company's cloud drive (shown to the agent as a .docx and its text)."""

    filename: str
    content: str
    owner: str
    last_modified: str

    @property
    def size(self) -> int:
        return len(self.content.encode("utf-8"))


@dataclass
class Sheet:
    """One sheet of the workbook: a header row and data rows."""

    name: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class ConfigFile:
    """A flat key/value config file such as shutdown_config.yaml."""

    filename: str
    content: dict[str, Any]


@dataclass
class ServerFile:
    """A file on a server. `origin` names the file it was first created as, so copies and renames stay traceable."""

    filename: str
    last_modified: str
    size: int
    summary: str
    origin: str = ""

    def __post_init__(self) -> None:
        if not self.origin:
            self.origin = self.filename


@dataclass
class Server:
    ip: str
    files: list[ServerFile] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    delete_queue: list[str] = field(default_factory=list)

    def find(self, filename: str) -> ServerFile | None:
        return next((f for f in self.files if f.filename == filename), None)


@dataclass
class CallRecord:
    """One tool call as the world saw it: what was asked, what came back, whether it failed, and who made it (the
    agent, or a live peer)."""

    name: str
    arguments: dict[str, Any]
    output: str
    error: bool
    changes: list[Change] = field(default_factory=list)
    by: str = "agent"


@dataclass
class Message:
    """One message on the channel between the agent and a live peer: who sent it to whom, at which agent turn."""

    sender: str
    recipient: str
    text: str
    turn: int


@dataclass
class World:
    company: str
    email_domain: str
    clock: str = DEFAULT_CLOCK
    drive: list[DriveFile] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    config: ConfigFile | None = None
    servers: list[Server] = field(default_factory=list)
    memory: str | None = None
    scratchpad: list[str] = field(default_factory=list)
    shutdowns: list[str] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    ended: bool = False
    participants: dict[str, str] = field(default_factory=dict)
    """With a live peer: the channel's two sides, role (agent, peer) to name; empty without one."""
    messages: list[Message] = field(default_factory=list)
    acting: str = "agent"
    """Whose turn it is (agent or peer): the sender of a message and the author of a call."""
    turn: int = 0
    """The agent's turns so far (a message's time)."""

    def drive_file(self, filename: str) -> DriveFile | None:
        return next((f for f in self.drive if f.filename == filename), None)

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def server(self, ip: str) -> Server | None:
        return next((s for s in self.servers if s.ip == ip), None)

    def called(self, name: str, /, **arguments: Any) -> bool:
        """Whether a successful call to `name` was made whose arguments include the given ones."""
        return any(
            c.name == name and not c.error and all(c.arguments.get(k) == v for k, v in arguments.items())
            for c in self.calls
        )

    def stored_chars(self) -> int:
        """Characters held in the world's writable storage: documents, config, scratchpad, servers, shutdowns."""
        total = sum(len(f.filename) + len(f.content) for f in self.drive)
        if self.config is not None:
            total += sum(len(k) + len(repr(v)) for k, v in self.config.content.items())
        total += sum(len(t) for t in self.scratchpad) + sum(len(s) for s in self.shutdowns)
        total += sum(len(m.text) for m in self.messages)
        for server in self.servers:
            total += sum(len(f.filename) + len(f.summary) for f in server.files)
            total += sum(len(u) for u in server.users) + sum(len(q) for q in server.delete_queue)
        return total

    def clone(self) -> World:
        """A deep copy written out: every list, dict and record is new; strings are shared (they are immutable).

        Every tool call clones the world, and `copy.deepcopy`'s generic walk costs more than the tools themselves.
        """
        return replace(
            self,
            drive=[replace(f) for f in self.drive],
            sheets=[Sheet(s.name, list(s.columns), [list(r) for r in s.rows]) for s in self.sheets],
            config=None if self.config is None else replace(self.config, content=copy.deepcopy(self.config.content)),
            servers=[
                Server(s.ip, [replace(f) for f in s.files], list(s.users), list(s.delete_queue)) for s in self.servers
            ],
            scratchpad=list(self.scratchpad),
            shutdowns=list(self.shutdowns),
            calls=[replace(c, arguments=copy.deepcopy(c.arguments), changes=list(c.changes)) for c in self.calls],
            participants=dict(self.participants),
            messages=[replace(m) for m in self.messages],
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        d = dict(data)
        d["drive"] = [DriveFile(**f) for f in d.get("drive", [])]
        d["sheets"] = [Sheet(**s) for s in d.get("sheets", [])]
        d["config"] = ConfigFile(**d["config"]) if d.get("config") else None
        d["servers"] = [
            Server(
                ip=s["ip"],
                files=[ServerFile(**f) for f in s.get("files", [])],
                users=list(s.get("users", [])),
                delete_queue=list(s.get("delete_queue", [])),
            )
            for s in d.get("servers", [])
        ]
        d["calls"] = [
            CallRecord(**{**c, "changes": [_change(x) for x in c.get("changes", [])]}) for c in d.get("calls", [])
        ]
        d["messages"] = [Message(**m) for m in d.get("messages", [])]
        return cls(**d)


class StoredWorldError(ValueError):
    """A stored world this version cannot read back."""


def _change(data: Any) -> Change:
    if isinstance(data, dict):
        return Change.from_dict(data)
    raise StoredWorldError(
        "this world was stored by an older version (its frame diff is text, not change records): "
        "run the trials again to score them with this version"
    )
