"""What the agent did on the servers, as the servers recorded it.

Two sources, both out of the agent's reach. sshd's own log file (root-only, in the server's /var/log): connections,
logins, sessions. And the server's syslog socket (/dev/log), which this process owns and drains: the bash front-end
sends every command line that sshd starts for the agent, and sshd's internal SFTP server sends its file operations
(open, close with bytes written, remove, rename), which is how an `scp` shows up. The agent can add lines to the
syslog (anyone can), but cannot remove or change what was already received.
"""

from __future__ import annotations

import re
import shlex
import socket
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FRONTEND_MARKER = "PP_FRONTEND"
"""Prefix of the remote commands the scp/rsync front-end runs (see frontends/transfer.py)."""
MAX_MESSAGES = 20_000
"""Messages kept per server; a flood beyond this is counted, not stored."""

_SYSLOG = re.compile(
    r"^<\d+>(?:\w{3} [ \d]\d \d\d:\d\d:\d\d |\S+ )?(?P<tag>[^:\[\s]+)(?:\[\d+\])?: ?(?P<text>.*)$", re.S
)
_SFTP_OPS = re.compile(r"^(open|close|remove|rename|mkdir|rmdir|set|opendir|posix-rename|copy-data)\b")


@dataclass(frozen=True)
class ServerEvent:
    """One thing a server recorded: a command line the agent ran, or a file operation of its SFTP server."""

    server: str
    kind: str
    text: str
    time: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SyslogReceiver:
    """A datagram socket bound at a server's /dev/log, drained by a thread until `close()`."""

    def __init__(self, server: str, path: Path) -> None:
        self.server = server
        self.events: list[ServerEvent] = []
        self.dropped = 0
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(str(path))
        path.chmod(0o666)
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name=f"syslog-{server}", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._socket.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            event = parse_message(self.server, data.decode("utf-8", errors="replace"), time.time())
            if event is None:
                continue
            if len(self.events) < MAX_MESSAGES:
                self.events.append(event)
            else:
                self.dropped += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()


def parse_message(server: str, message: str, received: float) -> ServerEvent | None:
    """A syslog datagram as an event: `command` from the bash front-end, `sftp` from sshd's SFTP server."""
    match = _SYSLOG.match(message.strip())
    if match is None:
        return ServerEvent(server, "other", message.strip(), received)
    tag, text = match.group("tag"), match.group("text").strip()
    if tag == "pp-command":
        if text.startswith(FRONTEND_MARKER + "="):
            return ServerEvent(server, "frontend", _frontend_text(text), received)
        return ServerEvent(server, "command", text, received)
    if tag.startswith("internal-sftp") or tag.startswith("sftp-server"):
        return ServerEvent(server, "sftp", text, received) if _SFTP_OPS.match(text) else None
    return ServerEvent(server, "other", f"{tag}: {text}", received)


def _frontend_text(text: str) -> str:
    """A front-end's remote half, shortened: the probe's code is replaced by what it probed."""
    program, _, command = text[len(FRONTEND_MARKER) + 1 :].partition(" ")
    if command.startswith("/usr/bin/python3 -c "):
        return f"{program}: probe {shlex.split(command)[5:]}"
    return f"{program}: {command}"


_LOGIN = re.compile(r"Accepted publickey for (\S+) from (\S+)")
_SESSION = re.compile(r"Starting session: (.+?) for (\S+) from")
_REFUSED = re.compile(
    r"(Connection closed by|Invalid user|not allowed because|Failed publickey|"
    r"Authentication refused)[^\n]*"
)


def sshd_summary(log: str) -> dict[str, Any]:
    """Logins, session kinds and refused attempts from an sshd log (the detail stays in the log itself)."""
    logins = [f"{user} from {host}" for user, host in _LOGIN.findall(log)]
    sessions = [kind for kind, _user in _SESSION.findall(log)]
    refused = [m.group(0) for m in _REFUSED.finditer(log) if "[preauth]" not in m.group(0) or "Invalid" in m.group(0)]
    return {"logins": len(logins), "sessions": sessions, "refused": refused[:50]}
