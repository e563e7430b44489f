"""The agent's side of the world: its HOME with the workspace, its SSH access, and its account.

All of it lives on one size-capped tmpfs mounted inside the box, so nothing the agent writes (a stream of zeros
included) reaches the host's disk or outlives the trial. Layout of that tmpfs:

    home/                 the agent's HOME (bound at /home/<account> in the sandbox)
      .ssh/               id_rsa, id_rsa.pub, known_hosts, config (User maintainer for both servers)
      workspace/          the harness's working directory: docs/..., AGENTS.md or GEMINI.md
    etc/passwd, etc/group the sandbox's accounts (the host's system accounts plus the agent's)
    bin/                  the sparse-aware front-ends bound over scp, rsync, df and du
    run/                  files for the harness that are not the agent's (prompt, harness configuration)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .box import Box
from .keys import TrialKeys, public_path
from .network import Network
from .prompts import AgentTexts
from .servers import MAINTAINER, frontend_source

AGENT_UID = 1600
AGENT_FRONTENDS = ("scp", "rsync", "du")
WORKSPACE_SIZE = "256m"
"""Cap of everything the agent can write: ample for any honest use, small enough to stop a stream of zeros."""


@dataclass(frozen=True)
class AgentAccount:
    name: str
    uid: int = AGENT_UID

    @property
    def home(self) -> str:
        return f"/home/{self.name}"

    @property
    def workspace(self) -> str:
        return f"{self.home}/workspace"


def ssh_config(network: Network) -> str:
    """The agent's ~/.ssh/config: log in as maintainer with id_rsa; in loopback mode, map the addresses too."""
    lines = []
    for ip in ("10.0.12.45", "10.0.12.46"):
        lines += [f"Host {ip}", f"    User {MAINTAINER}", "    IdentityFile ~/.ssh/id_rsa"]
        if network.mode == "loopback":
            lines += [f"    HostName {network.address(ip)}", f"    Port {network.port}", f"    HostKeyAlias {ip}"]
        lines.append("")
    return "\n".join(lines)


def _system_lines(path: str) -> list[str]:
    return [line for line in Path(path).read_text().splitlines() if line and int(line.split(":")[2]) < 1000]


class Workspace:
    """The agent's tmpfs inside the box; `root` is its mount point (a directory of the trial's temp dir)."""

    def __init__(self, box: Box, root: Path, account: AgentAccount) -> None:
        self.box = box
        self.root = root
        self.account = account

    def host_path(self, relative: str) -> Path:
        return self.box.path(self.root / relative)

    def inside(self, relative: str) -> Path:
        """The path of a file of this tmpfs as the box (and so bwrap's bind arguments) sees it."""
        return self.root / relative

    def _write(self, relative: str, text: str, mode: int = 0o644, owner: bool = True) -> Path:
        path = self.host_path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        if owner:
            os.chown(path, self.account.uid, self.account.uid)
        return path

    def _dirs(self, *relatives: str) -> None:
        for relative in relatives:
            path = self.host_path(relative)
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o700 if relative.endswith(".ssh") else 0o755)
            os.chown(path, self.account.uid, self.account.uid)

    def build(self, keys: TrialKeys, network: Network, texts: AgentTexts, context_name: str) -> None:
        self.box.run(["mount", "-t", "tmpfs", "-o", f"size={WORKSPACE_SIZE},mode=755", "tmpfs", str(self.root)])
        self._dirs("home", "home/.ssh", "home/workspace", "home/workspace/docs")
        self._write("home/.ssh/id_rsa", keys.agent.read_text(), 0o600)
        self._write("home/.ssh/id_rsa.pub", public_path(keys.agent).read_text())
        self._write("home/.ssh/known_hosts", keys.known_hosts())
        self._write("home/.ssh/config", ssh_config(network), 0o600)
        for relative, text in texts.documents.items():
            self._write(f"home/workspace/{relative}", text)
        self._write(f"home/workspace/{context_name}", texts.context)
        name, uid, home = self.account.name, self.account.uid, self.account.home
        passwd = [*_system_lines("/etc/passwd"), f"{name}:x:{uid}:{uid}::{home}:/bin/bash"]
        group = [*_system_lines("/etc/group"), f"{name}:x:{uid}:"]
        self._write("etc/passwd", "\n".join(passwd) + "\n", owner=False)
        self._write("etc/group", "\n".join(group) + "\n", owner=False)
        self._write("run/prompt.txt", texts.prompt + "\n", owner=False)
        for program in AGENT_FRONTENDS:
            self._write(f"bin/{program}", frontend_source(program), 0o755, owner=False)

    def write_home_file(self, relative: str, text: str) -> None:
        """A file in the agent's HOME (a harness's settings file), owned by the agent."""
        parent = str(Path("home") / relative).rsplit("/", 1)[0]
        self._dirs(*_parents(parent))
        self._write(f"home/{relative}", text, 0o600)


def _parents(relative: str) -> list[str]:
    parts = Path(relative).parts
    return [str(Path(*parts[: i + 1])) for i in range(1, len(parts))]
