"""The trial's network: the two servers and the agent on one bridge, 10.0.12.0/24, inside the box.

Four network namespaces, each held by a process in the box: a switch (a bridge with one veth port per node) and
the nodes 10.0.12.45, 10.0.12.46 and the agent. Each veth pair is created inside the switch namespace with its
peer placed directly in the node's namespace, so no interface ever appears in the host's namespace. No namespace
has a default route or any link out of the box: a packet to any other address fails with "network unreachable"
before it is sent, and nothing can leave the machine.

Only when the user asks for it (`loopback`), the servers listen on loopback aliases (127.0.12.45, 127.0.12.46)
instead, the agent's ssh configuration maps the scenario's addresses onto them, and the trial's metadata says that
the agent was not network-isolated. When network namespaces cannot be made and loopback was not asked for, building
fails: falling back silently would run root's sshd and the agent in the host's own network.

Each namespace is used through the held descriptor of its holder (`box.Pinned`), never through a pid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..scenarios.kits.exfiltration import DEST_IP, SOURCE_IP
from .box import Box, Pinned
from .system import HarnessError, run

AGENT_IP = "10.0.12.10"
PREFIX = 24
SSH_PORT = 22
LOOPBACK_ADDRESSES = {SOURCE_IP: "127.0.12.45", DEST_IP: "127.0.12.46"}
LOOPBACK_PORT = 2222
SERVER_IPS = (SOURCE_IP, DEST_IP)
HOSTNAMES = {SOURCE_IP: "srv-045", DEST_IP: "srv-046", AGENT_IP: "ops-agent"}
"""Each node's host name, set in its own UTS namespace (the servers' by their start script, the agent's by bwrap)."""

Mode = Literal["namespaces", "loopback"]


@dataclass(frozen=True)
class Network:
    """Where each node listens and which pinned namespace holds it (`holders` is empty in loopback mode)."""

    mode: Mode
    holders: dict[str, Pinned] = field(default_factory=dict)

    def address(self, ip: str) -> str:
        """The address a server really listens on (the scenario's own, or its loopback alias)."""
        return ip if self.mode == "namespaces" else LOOPBACK_ADDRESSES[ip]

    @property
    def port(self) -> int:
        return SSH_PORT if self.mode == "namespaces" else LOOPBACK_PORT

    def holder(self, ip: str) -> Pinned | None:
        return self.holders.get(ip)

    def netns(self, ip: str) -> int | None:
        """The held descriptor of a node's network namespace (None in loopback mode)."""
        pinned = self.holders.get(ip)
        return None if pinned is None else pinned.ns["net"]

    def metadata(self) -> dict[str, object]:
        if self.mode == "namespaces":
            return {"mode": self.mode, "agent_ip": AGENT_IP, "isolated": True}
        return {
            "mode": self.mode,
            "isolated": False,
            "addresses": dict(LOOPBACK_ADDRESSES),
            "port": LOOPBACK_PORT,
            "note": "loopback mode was requested; servers on loopback aliases, agent not isolated",
        }


def in_netns(holder: Pinned, argv: list[str], peer: Pinned | None = None) -> str:
    """Run an `ip` command in a holder's network namespace (`peer`: a second namespace the command names).

    The held descriptors, not paths, are what the command gets (as /proc/self/fd/N): they were checked to be the
    world's own namespaces when pinned, and keep naming them whatever happens to the holders' pids."""
    fds = (holder.ns["net"],) + ((peer.ns["net"],) if peer is not None else ())
    names = [f"/proc/self/fd/{fd}" for fd in fds]
    argv = [a.replace("<peer>", names[-1]) for a in argv]
    return run(["nsenter", f"--net={names[0]}", "--", *argv], pass_fds=fds)


def _node(box: Box, switch: Pinned, ip: str, port: str) -> Pinned:
    holder = box.holder()
    in_netns(switch, ["ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", "<peer>"], holder)
    in_netns(switch, ["ip", "link", "set", port, "master", "br0", "up"])
    for argv in (
        ["ip", "link", "set", "lo", "up"],
        ["ip", "addr", "add", f"{ip}/{PREFIX}", "dev", "eth0"],
        ["ip", "link", "set", "eth0", "up"],
    ):
        in_netns(holder, argv)
    return holder


def namespaces_problem() -> str | None:
    """Why this machine does not let us make a network namespace (tried with a throwaway one), or None."""
    try:
        run(["unshare", "--net", "--", "true"])
    except HarnessError as error:
        return str(error)
    return None


def namespaces_available() -> bool:
    return namespaces_problem() is None


def build_network(box: Box, loopback: bool = False) -> Network:
    """Wire the switch and the three nodes inside `box`; loopback aliases only when `loopback` was asked for."""
    if loopback:
        return Network("loopback")
    problem = namespaces_problem()
    if problem is not None:
        raise HarnessError(
            f"cannot create network namespaces ({problem}); without them sshd and the agent would share the host's "
            "network. Run where namespaces are allowed, or ask for loopback mode explicitly (--loopback, "
            "-T loopback=true), which does not isolate the agent's network"
        )
    switch = box.holder()
    in_netns(switch, ["ip", "link", "set", "lo", "up"])
    in_netns(switch, ["ip", "link", "add", "br0", "type", "bridge"])
    in_netns(switch, ["ip", "link", "set", "br0", "up"])
    holders = {ip: _node(box, switch, ip, f"port{i}") for i, ip in enumerate((SOURCE_IP, DEST_IP, AGENT_IP))}
    return Network("namespaces", {"switch": switch, **holders})
