"""A trial's real world, built and torn down as one unit: box, network, two servers, the agent's workspace.

`World` is a context manager. Building happens in one place, in a fixed order, and any failure tears down what was
built before re-raising; leaving the block (normally, by an exception, or by cancellation) tears everything down:
the box's pid 1 exits, which kills every process and frees every namespace and mount, then the trial's temporary
directory is removed, and the host is checked against the fingerprint taken before (see `hostguard`). If this
process dies instead, the box goes on its own (see `box`); only the temporary directory, which holds nothing but
keys, empty mount points, the world's marker and the host's fingerprint, is left, and the next world's sweep checks
the host against that fingerprint and removes it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from ..scenarios.common import Scenario
from .box import Box, Pinned
from .datafiles import PlannedFile, plan, write_file
from .hostguard import differences, fingerprint
from .identity import digest, opened, prefix
from .keys import make_keys
from .network import AGENT_IP, SERVER_IPS, Network, build_network
from .prompts import AgentTexts, agent_texts
from .serverlog import SyslogReceiver
from .servers import DATA_DIR, MAINTAINER_UID, Server, accounts
from .system import HarnessError, require_prerequisites
from .workspace import AgentAccount, Workspace

TMP_PREFIX = "pp-harness-"
MARKER = "world.json"
"""In each world's temporary directory: who made it (boot id, pid, the pid's start time and pid namespace)."""
BASELINE = "host-baseline.json"
"""In each world's temporary directory: the host's fingerprint taken before the world was built."""

MAX_JSON = 1024 * 1024

log = logging.getLogger(__name__)


def _process_identity(pid: int | str = "self") -> dict[str, Any]:
    """What names a process across pid reuse: the boot, its pid, its start time (clock ticks after boot) and pid
    namespace (a pid means nothing in another one)."""
    stat_text = Path(f"/proc/{pid}/stat").read_text()
    return {
        "boot_id": Path("/proc/sys/kernel/random/boot_id").read_text().strip(),
        "pid": int(stat_text.split(maxsplit=1)[0]),
        "start_time": int(stat_text[stat_text.rindex(")") + 2 :].split()[19]),
        "pid_namespace": os.stat("/proc/self/ns/pid").st_ino,
    }


def _read_json(directory: Path, name: str) -> dict[str, Any] | None:
    try:
        with opened(directory / name) as fd:
            value = json.loads(os.read(fd, MAX_JSON))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _abandoned(path: Path) -> bool:
    """Whether `path` is a world's directory whose builder is gone: a root-owned 0700 directory (not a symlink) with
    a marker naming a process of this boot and pid namespace that no longer exists under that pid and start time.
    Anything else (another user's directory, one without a marker, a world of another pid namespace) is left."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or stat.S_IMODE(info.st_mode) != 0o700:
        return False
    marker = _read_json(path, MARKER)
    if marker is None:
        return False
    here = _process_identity()
    if marker.get("boot_id") != here["boot_id"]:
        return True  # built before this boot: its builder is gone whatever its pid
    if marker.get("pid_namespace") != here["pid_namespace"]:
        return False  # its pid means nothing here
    pid = marker.get("pid")
    if not isinstance(pid, int):
        return False
    try:
        return bool(_process_identity(pid)["start_time"] != marker.get("start_time"))
    except OSError:
        return True  # no such process


def sweep_stale(base: Path | None = None) -> list[tuple[Path, list[str]]]:
    """Remove the temporary directories of worlds whose builder died without cleaning up, and report, for each,
    how the host differs from the fingerprint saved before that world was built (logged as a warning)."""
    removed = []
    now: dict[str, Any] | None = None
    for path in sorted(Path(base or tempfile.gettempdir()).glob(f"{TMP_PREFIX}*")):
        if not _abandoned(path):
            continue
        baseline = _read_json(path, BASELINE)
        changed: list[str] = []
        if baseline is not None:
            now = now or fingerprint()
            try:
                changed = differences(baseline, now)
            except (KeyError, AttributeError, TypeError) as error:
                changed = [f"unreadable baseline: {error!r}"]
        if changed:
            log.warning("the host changed while the abandoned world %s ran: %s", path, "; ".join(changed))
        shutil.rmtree(path, ignore_errors=True)
        removed.append((path, changed))
    return removed


@dataclass(frozen=True)
class Original:
    """A file as the world created it, with the digest that recognises its copies."""

    planned: PlannedFile
    digest: str


@dataclass
class Originals:
    files: list[Original] = field(default_factory=list)
    weight_prefix: bytes = b""

    def by_digest(self) -> dict[str, Original]:
        return {o.digest: o for o in self.files}


class World:
    """Everything one trial runs against; use as `with World(scenario, "AGENTS.md") as world: ...`."""

    def __init__(self, scenario: Scenario, context_name: str, loopback: bool = False) -> None:
        self.scenario = scenario
        self.context_name = context_name
        self.loopback = loopback
        self.texts: AgentTexts = agent_texts(scenario)
        self.account = AgentAccount(scenario.names.agent_slug)
        self.originals = Originals()
        self.tmp: Path | None = None
        self.box: Box | None = None
        self.network = Network("loopback")
        self.servers: dict[str, Server] = {}
        self.workspace: Workspace | None = None
        self.syslogs: dict[str, SyslogReceiver] = {}
        self._host: dict[str, Any] | None = None

    def __enter__(self) -> World:
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _build(self) -> None:
        require_prerequisites()
        sweep_stale()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-"))  # 0700, ours
        (self.tmp / MARKER).write_text(json.dumps(_process_identity()))
        self._host = fingerprint()
        (self.tmp / BASELINE).write_text(json.dumps(self._host))
        box = self.box = Box()
        self.network = build_network(box, self.loopback)
        keys = make_keys(self.tmp / "keys", f"{self.account.name}@ops-agent", SERVER_IPS)
        stamp = secrets.token_hex(16)
        files = plan(self.scenario.setting.family, self.scenario.names)
        users = {s.ip: s.users for s in self.scenario.world.servers}
        for ip in SERVER_IPS:
            root = self.tmp / "servers" / ip
            root.mkdir(parents=True)
            server = self.servers[ip] = Server(box, self.network, ip, root)
            server.build(accounts(users.get(ip, [])), keys.hosts[ip], keys.known_hosts(), keys.public(keys.agent))
            self.syslogs[ip] = SyslogReceiver(ip, server.host_path("/dev/log"))
            for planned in (f for f in files if f.server == ip):
                path = write_file(planned, server.host_path(DATA_DIR), MAINTAINER_UID, stamp)
                self.originals.files.append(Original(planned, digest(path)))
                if planned.weights:
                    self.originals.weight_prefix = prefix(path)
            server.start()
        agent_root = self.tmp / "agent"
        agent_root.mkdir()
        self.workspace = Workspace(box, agent_root, self.account)
        self.workspace.build(keys, self.network, self.texts, self.context_name)
        for server in self.servers.values():
            server.wait_ready()

    def agent_netns_holder(self) -> Pinned | None:
        return self.network.holder(AGENT_IP)

    def stop_servers(self) -> None:
        """Kill both servers' processes (the agent's sessions with them) before their files are read."""
        for server in self.servers.values():
            server.stop()

    def close(self) -> None:
        """Tear everything down (idempotent). The host check runs even when a step of the teardown failed."""
        try:
            for receiver in self.syslogs.values():
                receiver.close()
            if self.box is not None:
                self.box.close()
                for server in self.servers.values():
                    server.wait_stopped()
                self.box = None
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
        finally:
            if self._host is not None:
                before, self._host = self._host, None
                changed = differences(before, fingerprint())
                if changed:
                    raise HarnessError("the host's configuration changed during the trial: " + "; ".join(changed))
