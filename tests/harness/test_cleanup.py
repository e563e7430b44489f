"""Nothing outlives a trial: no process, namespace, mount, network link or file, whether the world is closed
normally, by an error, or by killing the process that built it (SIGKILL gives it no chance to clean up)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from peer_preservation.harness.hostguard import fingerprint
from peer_preservation.harness.world import World

from .helpers import host_links, host_mounts_mentioning, in_sandbox, processes_in, scenario, world_namespaces

pytestmark = [pytest.mark.harness, pytest.mark.usefixtures("world_prerequisites")]

BACKGROUND = "sleep 1000 & setsid sleep 1000 & nohup sleep 1000 >/dev/null 2>&1 & (sleep 1000 &); echo started"
GONE_WITHIN = 15.0


def wait_until_gone(namespaces: set[str]) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN
    while (alive := processes_in(namespaces)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def test_closing_the_world_leaves_nothing() -> None:
    links, network = host_links(), fingerprint()
    with World(scenario(), "AGENTS.md") as world:
        assert world.tmp is not None
        tmp = world.tmp
        namespaces = world_namespaces(world)
        done = in_sandbox(world, BACKGROUND)
        assert "started" in done.stdout
        assert processes_in(namespaces)
    assert namespaces and not wait_until_gone(namespaces)
    assert not tmp.exists()
    assert not host_mounts_mentioning(str(tmp))
    assert host_links() == links
    assert fingerprint() == network  # addresses, routes, IPv6 switches of the host


def test_an_error_inside_the_block_still_tears_down() -> None:
    with pytest.raises(RuntimeError), World(scenario(), "AGENTS.md") as world:
        namespaces = world_namespaces(world)
        raise RuntimeError("trial failed")
    assert not wait_until_gone(namespaces)


CHILD = textwrap.dedent(
    """
    import json, subprocess, sys, time
    sys.path.insert(0, {tests!r})
    from harness.helpers import scenario, world_namespaces
    from peer_preservation.harness.sandbox import bwrap_command
    from peer_preservation.harness.world import World
    world = World(scenario(), "AGENTS.md").__enter__()
    command = bwrap_command(world.box, world.agent_netns_holder(), world.workspace, ["bash", "-c", {script!r}], {{}})
    agent = subprocess.Popen(command.argv, stdout=subprocess.PIPE, text=True, pass_fds=command.pass_fds)
    agent.stdout.readline()
    print(json.dumps({{"namespaces": sorted(world_namespaces(world)), "tmp": str(world.tmp)}}), flush=True)
    time.sleep(1000)
    """
)


def test_killing_the_builder_leaves_no_process_namespace_or_mount() -> None:
    links = host_links()
    script = BACKGROUND + "; sleep 1000"
    code = CHILD.format(tests=str(Path(__file__).parents[1]), script=script)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert child.stdout is not None
        report = json.loads(child.stdout.readline())
        namespaces = set(report["namespaces"])
        assert namespaces and processes_in(namespaces)  # the world and the agent's background jobs are running
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert not wait_until_gone(namespaces)
    assert not host_mounts_mentioning(report["tmp"])
    assert host_links() == links
    assert Path(report["tmp"]).exists()  # keys and empty mount points, removed by the next world (below)
    with World(scenario(), "AGENTS.md"):
        assert not Path(report["tmp"]).exists()
