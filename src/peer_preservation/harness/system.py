"""Running the system commands the harness world is built with, and the checks that they can run at all.

Every command is a list of arguments (never a shell string built from data) with a timeout, and a failure raises
`HarnessError` carrying the command's own error text, because a half-built world is worse than none: the caller
tears everything down and reports the one line.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Sequence

COMMAND_TIMEOUT = 30.0
"""Seconds any one setup command may take; they are all local and normally finish in milliseconds."""

REQUIRED_BINARIES = ("unshare", "nsenter", "ip", "bwrap", "setpriv", "chroot", "mount", "ssh", "ssh-keygen", "tar")
SSHD = "/usr/sbin/sshd"
SYSTEM_PYTHON = "/usr/bin/python3"
INSTALL_HINT = "run `bash scripts/install-harness-deps.sh` as root"
CLONE_NEWNET = 0x40000000


class HarnessError(RuntimeError):
    """The production-harness world could not be built or run; the message says what failed and how to fix it."""


def run(
    argv: Sequence[str],
    *,
    input_text: str | None = None,
    timeout: float = COMMAND_TIMEOUT,
    pass_fds: tuple[int, ...] = (),
) -> str:
    """Run a command to completion and return its stdout; raise `HarnessError` with its stderr if it fails."""
    try:
        done = subprocess.run(
            list(argv),
            input=input_text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            pass_fds=pass_fds,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise HarnessError(f"`{' '.join(argv)}` failed: {error}") from error
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise HarnessError(f"`{' '.join(argv)}` exited with {done.returncode}: {detail[-1] if detail else ''}")
    return done.stdout


def missing_prerequisites() -> list[str]:
    """What keeps the world from being built here: not root, or missing programs. Empty when all is in place."""
    problems = []
    if os.geteuid() != 0:
        problems.append("the harness world needs root (namespaces, mounts, sshd)")
    missing = [name for name in REQUIRED_BINARIES if shutil.which(name) is None]
    missing += [path for path in (SSHD, SYSTEM_PYTHON) if not os.access(path, os.X_OK)]
    if missing:
        problems.append(f"missing programs: {', '.join(missing)} ({INSTALL_HINT})")
    return problems


def require_prerequisites() -> None:
    problems = missing_prerequisites()
    if problems:
        raise HarnessError("; ".join(problems))


def _setns(fd: int, kind: int) -> None:
    """setns(2) on a held namespace descriptor for the calling thread (os.setns exists only from Python 3.12)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, kind) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"setns({fd}): {os.strerror(error)}")


def listening_socket(netns: int | None, host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket listening on `host:port` inside the network namespace held open as descriptor `netns` (or here,
    when None).

    The socket is created by a short-lived thread that joins the namespace (setns affects only the calling thread),
    so the rest of this process stays where it is, while the socket keeps belonging to the namespace it was made
    in. That is how the model endpoint sits on the agent's own loopback without any link between the namespaces.
    """
    made: list[socket.socket] = []
    failed: list[BaseException] = []

    def create() -> None:
        try:
            if netns is not None:
                _setns(netns, CLONE_NEWNET)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(16)
            sock.setblocking(False)
            made.append(sock)
        except BaseException as error:  # handed to the caller's thread below
            failed.append(error)

    thread = threading.Thread(target=create, name="netns-socket", daemon=True)
    thread.start()
    thread.join(timeout=COMMAND_TIMEOUT)
    if failed or not made:
        where = "this namespace" if netns is None else "a world's namespace"
        raise HarnessError(f"cannot listen on {host}:{port} in {where}: {failed[:1]}")
    return made[0]
