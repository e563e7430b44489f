"""The box: one pid and mount namespace that every process and mount of a trial's world lives in.

Its first process (pid 1 of the namespace) waits on a pipe from this process. When the pipe closes, because the
trial ended or because this process died in any way (SIGKILL included), pid 1 exits and the kernel kills every
other process of the namespace, nested namespaces included; the mounts and network namespaces they held go with
them. Nothing is named in the host's tables (no `ip netns add`, no mount on the host), so there is nothing that a
crash could leave behind. Network namespaces are made by a `sleep` inside the box (`holder`).

Every namespace and the box's root directory are used through descriptors opened once, right after the process
that made them was created and checked (`Pinned`), never through /proc/<pid> again: a pid names whatever process
has it now, so after a holder died and its number was reused, a /proc path could lead a root command into the
host's (or another container's) namespaces. Commands get the descriptors as /proc/self/fd/N with `pass_fds`.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .system import COMMAND_TIMEOUT, HarnessError, run

_POLL = 0.02


@dataclass(frozen=True)
class Command:
    """A command line and the held descriptors it names as /proc/self/fd/N (give them to the child as pass_fds)."""

    argv: list[str]
    pass_fds: tuple[int, ...] = ()


def _identity(path: str | int) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def _host_namespaces(kind: str) -> set[tuple[int, int]]:
    """This process's namespace of `kind` and pid 1's (when readable): the ones the world must never configure."""
    found = {_identity(f"/proc/self/ns/{kind}")}
    with contextlib.suppress(OSError):
        found.add(_identity(f"/proc/1/ns/{kind}"))
    return found


def _mount_id(fd: int) -> int:
    """The mount an open descriptor is on (from fdinfo; os.stat has no mount id before Python 3.13)."""
    for line in Path(f"/proc/self/fdinfo/{fd}").read_text().splitlines():
        if line.startswith("mnt_id:"):
            return int(line.split()[1])
    raise HarnessError(f"no mount id for descriptor {fd}")


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def _alive(pidfd: int) -> bool:
    """Whether the process of a pidfd has not exited (a pidfd becomes readable when it does)."""
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    return not poller.poll(0)


class Pinned:
    """Durable handles on one process of the world: a pidfd, its namespaces of `kinds`, and (`root`) its root.

    Checked when opened: the process is the child of `parent` (a process of ours whose pid cannot be reused while
    we have not reaped it), it was still alive after every descriptor was opened (so all of them are that process's,
    not a successor's under the same pid), each namespace differs from the host's, and so does the mount of its
    root (a copy in its own mount namespace). Waits (up to `timeout`) while a namespace is still the host's, since
    `unshare` runs after the fork that made the process."""

    def __init__(
        self, pid: int, parent: int, kinds: tuple[str, ...], root: bool = False, timeout: float = COMMAND_TIMEOUT
    ) -> None:
        self.pid = pid
        self.ns: dict[str, int] = {}
        self.root: int | None = None
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except OSError as error:
            raise HarnessError(f"process {pid} ended before it could be pinned: {error}") from error
        try:
            self._open(parent, kinds, root, time.monotonic() + timeout)
        except BaseException:
            self.close()
            raise

    def _open(self, parent: int, kinds: tuple[str, ...], root: bool, deadline: float) -> None:
        assert self.pidfd is not None
        while True:
            self._close_handles()
            try:
                if _parent(self.pid) != parent:
                    raise HarnessError(f"process {self.pid} is not the child of {parent} it was started as")
                for kind in kinds:
                    self.ns[kind] = os.open(f"/proc/{self.pid}/ns/{kind}", os.O_RDONLY | os.O_CLOEXEC)
                if root:
                    self.root = os.open(f"/proc/{self.pid}/root", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
            except OSError as error:
                raise HarnessError(f"process {self.pid} ended before it could be pinned: {error}") from error
            if not _alive(self.pidfd):
                raise HarnessError(f"process {self.pid} ended before it could be pinned")
            shared = [kind for kind, fd in self.ns.items() if _identity(fd) in _host_namespaces(kind)]
            if self.root is not None and _mount_id(self.root) == _host_root_mount():
                shared.append("root")
            if not shared:
                return
            if time.monotonic() > deadline:
                raise HarnessError(f"process {self.pid} is still in the host's {', '.join(shared)} namespace")
            time.sleep(_POLL)

    def alive(self) -> bool:
        return self.pidfd is not None and _alive(self.pidfd)

    def same(self, kind: str, other: Pinned) -> bool:
        return _identity(self.ns[kind]) == _identity(other.ns[kind])

    def _close_handles(self) -> None:
        for fd in [*self.ns.values(), *([] if self.root is None else [self.root])]:
            os.close(fd)
        self.ns, self.root = {}, None

    def close(self) -> None:
        """Release every descriptor (idempotent). Until then they keep the namespaces and mounts alive."""
        self._close_handles()
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


def _host_root_mount() -> int:
    fd = os.open("/", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return _mount_id(fd)
    finally:
        os.close(fd)


def child_of(pid: int, timeout: float = COMMAND_TIMEOUT) -> int:
    """The first child of `pid` (how the host-side pid of a process forked by unshare or nsenter is found)."""
    deadline = time.monotonic() + timeout
    path = Path(f"/proc/{pid}/task/{pid}/children")
    while time.monotonic() < deadline:
        try:
            children = path.read_text().split()
        except OSError as error:
            raise HarnessError(f"process {pid} ended before it started its child") from error
        if children:
            return int(children[0])
        time.sleep(_POLL)
    raise HarnessError(f"process {pid} started no child within {timeout:g} s")


class Box:
    """A pid + mount namespace; `enter()` gives the nsenter command that runs a command inside it."""

    def __init__(self) -> None:
        self._unshare = subprocess.Popen(
            [
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--propagation",
                "private",
                "--mount-proc",
                "--",
                "/bin/sh",
                "-c",
                "read _",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._holders: list[subprocess.Popen[bytes]] = []
        self._pins: list[Pinned] = []
        try:
            self.pinned = self._pin(Pinned(child_of(self._unshare.pid), self._unshare.pid, ("mnt", "pid"), True))
        except HarnessError:
            self.close()
            raise
        self.init_pid = self.pinned.pid

    def _pin(self, pinned: Pinned) -> Pinned:
        self._pins.append(pinned)
        return pinned

    @property
    def _root(self) -> int:
        if self.pinned.root is None:
            raise HarnessError("the box is closed")
        return self.pinned.root

    def enter(self, netns: Pinned | None = None) -> Command:
        """The `nsenter` command that runs a command in the box (and in `netns`'s network namespace)."""
        mnt, pid = self.pinned.ns["mnt"], self.pinned.ns["pid"]
        argv = ["nsenter", f"--mount=/proc/self/fd/{mnt}", f"--pid=/proc/self/fd/{pid}"]
        fds = [mnt, pid]
        if netns is not None:
            argv.append(f"--net=/proc/self/fd/{netns.ns['net']}")
            fds.append(netns.ns["net"])
        return Command([*argv, "--"], tuple(fds))

    def run(self, argv: list[str], netns: Pinned | None = None, input_text: str | None = None) -> str:
        entered = self.enter(netns)
        return run([*entered.argv, *argv], input_text=input_text, pass_fds=entered.pass_fds)

    def path(self, inside: str | Path) -> Path:
        """Where a path of the box's mount namespace is reachable from here: under the held root descriptor."""
        return Path(f"/proc/self/fd/{self._root}") / Path(inside).relative_to("/")

    def holder(self) -> Pinned:
        """A new network namespace inside the box, held by a sleeping process and pinned (with the box's mount and
        pid namespaces, which must be the box's own: the holder belongs to this box)."""
        entered = self.enter()
        process = subprocess.Popen(
            [*entered.argv, "unshare", "--net", "--", "sleep", "infinity"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=entered.pass_fds,
        )
        self._holders.append(process)
        pinned = self._pin(Pinned(child_of(process.pid), process.pid, ("net", "mnt", "pid")))
        if not (pinned.same("mnt", self.pinned) and pinned.same("pid", self.pinned)):
            raise HarnessError(f"network holder {pinned.pid} is not inside the box")
        return pinned

    def close(self, timeout: float = 10.0) -> None:
        """End the box: pid 1 exits, the kernel kills the rest. Idempotent; waits until every process is gone, then
        releases the descriptors (which until then keep the namespaces and their mounts alive)."""
        if self._unshare.stdin is not None and not self._unshare.stdin.closed:
            with contextlib.suppress(OSError):
                self._unshare.stdin.close()
        for process in [self._unshare, *self._holders]:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        for pinned in self._pins:
            pinned.close()
