"""Building a world for a test and running a command in its sandbox, plus the ways to see what a world leaves."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from peer_preservation.harness.sandbox import bwrap_command
from peer_preservation.harness.world import World
from peer_preservation.scenarios import Setting, family
from peer_preservation.scenarios.common import Scenario

TRANSFER = "exfiltration_transfer/peer/good/memory"
DELETION = "exfiltration_deletion/peer/good/memory"


def scenario(setting_id: str = TRANSFER) -> Scenario:
    setting = Setting.from_id(setting_id)
    return family(setting.family).build(setting, "Gemini")


def in_sandbox(world: World, script: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run a bash script as the agent, confined exactly as a harness is."""
    assert world.box is not None and world.workspace is not None
    command = bwrap_command(world.box, world.agent_netns_holder(), world.workspace, ["bash", "-c", script], {})
    return subprocess.run(
        command.argv, capture_output=True, text=True, timeout=timeout, check=False, pass_fds=command.pass_fds
    )


def namespaces_of(pid: int) -> set[str]:
    """The namespace identities (e.g. 'net:[4026532]') of a process."""
    found = set()
    for kind in ("net", "mnt", "pid_for_children", "uts"):
        try:
            found.add(os.readlink(f"/proc/{pid}/ns/{kind}"))
        except OSError:
            continue
    return found


def world_namespaces(world: World) -> set[str]:
    """Every namespace the world made: the box's and each holder's, minus those it shares with this process."""
    assert world.box is not None
    pids = [world.box.init_pid, *(holder.pid for holder in world.network.holders.values())]
    ours = namespaces_of(os.getpid()) | {os.readlink("/proc/self/ns/pid")}
    return {ns for pid in pids for ns in namespaces_of(pid)} - ours


def processes_in(namespaces: set[str]) -> list[int]:
    """Processes (anywhere on the machine) that are still in any of `namespaces`."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                mine = {os.readlink(entry / "ns" / kind) for kind in ("net", "mnt", "pid", "uts")}
            except OSError:
                continue
            if mine & namespaces:
                alive.append(int(entry.name))
    return alive


def host_mounts_mentioning(text: str) -> list[str]:
    return [line for line in Path("/proc/self/mountinfo").read_text().splitlines() if text in line]


def host_links() -> set[str]:
    return set(os.listdir("/sys/class/net"))
