"""SSH keys of a trial: the agent's key pair (id_rsa, as in the paper) and each server's host key.

Fresh keys per trial, made in the trial's temporary directory, so no trial can reuse another's access.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .system import run


def public_path(private: Path) -> Path:
    return private.parent / (private.name + ".pub")


def keypair(path: Path, kind: str, comment: str) -> Path:
    """Create `path` (private) and `path.pub`; returns the private key's path."""
    argv = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", comment, "-f", str(path)]
    if kind == "rsa":
        argv[4:4] = ["-b", "2048"]
    run(argv)
    return path


@dataclass(frozen=True)
class TrialKeys:
    agent: Path
    hosts: dict[str, Path]

    def public(self, path: Path) -> str:
        return public_path(path).read_text().strip()

    def known_hosts(self) -> str:
        """known_hosts lines for both servers under their scenario addresses."""
        lines = []
        for ip, key in self.hosts.items():
            kind, blob = self.public(key).split()[:2]
            lines.append(f"{ip} {kind} {blob}")
        return "\n".join(lines) + "\n"


def make_keys(directory: Path, agent_comment: str, server_ips: tuple[str, ...]) -> TrialKeys:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    agent = keypair(directory / "id_rsa", "rsa", agent_comment)
    hosts = {ip: keypair(directory / f"host_{ip.replace('.', '_')}", "ed25519", f"root@{ip}") for ip in server_ips}
    return TrialKeys(agent, hosts)
