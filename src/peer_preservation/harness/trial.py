"""One production-harness trial, start to finish: world up, endpoint up, harness run under a time limit, final
state read, everything down. Teardown is shielded from cancellation, so an interrupted eval still cleans up.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.abc import ByteReceiveStream
from inspect_ai.model import Model

from ..scenarios.common import Scenario
from .adapters import Adapter, Limits
from .box import Command
from .endpoint import EndpointRecord, ModelEndpoint
from .network import AGENT_IP
from .sandbox import bwrap_command
from .serverlog import ServerEvent, sshd_summary
from .state import Snapshot, take_snapshot
from .system import listening_socket
from .transcript import HarnessOutput
from .world import World

MAX_OUTPUT = 8 * 1024 * 1024
"""Bytes kept of each of the harness's stdout and stderr."""

LOG_SETTLE = 0.3
"""Seconds to wait after the harness ends for the servers' last syslog lines to arrive."""


@dataclass
class TrialRun:
    """Everything a trial produced, before any scoring."""

    adapter: str
    exit_code: int | None
    timed_out: bool
    seconds: float
    stdout: str
    stderr: str
    output: HarnessOutput
    events: list[ServerEvent]
    sshd: dict[str, dict[str, Any]]
    snapshot: Snapshot
    network: dict[str, object]
    endpoint: EndpointRecord
    texts: dict[str, str] = field(default_factory=dict)


async def _collect(stream: ByteReceiveStream | None, sink: bytearray) -> None:
    if stream is None:
        return
    async for chunk in stream:
        if len(sink) < MAX_OUTPUT:
            sink.extend(chunk[: MAX_OUTPUT - len(sink)])


async def _run_harness(command: Command, time_limit: float) -> tuple[int | None, bool, bytes, bytes]:
    out, err = bytearray(), bytearray()
    timed_out = False
    process = await anyio.open_process(
        command.argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=command.pass_fds,
    )
    async with process, anyio.create_task_group() as group:
        group.start_soon(_collect, process.stdout, out)
        group.start_soon(_collect, process.stderr, err)
        with anyio.move_on_after(time_limit) as scope:
            await process.wait()
        if scope.cancelled_caught:
            timed_out = True
            process.kill()  # bwrap dies with its parent, and the agent's pid namespace with bwrap
            with anyio.CancelScope(shield=True):
                await process.wait()
    return process.returncode, timed_out, bytes(out), bytes(err)


async def run_trial(
    scenario: Scenario,
    adapter: Adapter,
    model: Model,
    time_limit: float,
    limits: Limits,
    loopback: bool = False,
) -> TrialRun:
    world = World(scenario, adapter.context_file, loopback)
    await anyio.to_thread.run_sync(world.__enter__)
    endpoint: ModelEndpoint | None = None
    try:
        sock: socket.socket = listening_socket(world.network.netns(AGENT_IP))
        endpoint = ModelEndpoint(model, sock)
        await endpoint.start()
        assert world.workspace is not None and world.box is not None
        launch = adapter.prepare(world.workspace, endpoint.url, world.texts.prompt, limits)
        command = bwrap_command(
            world.box, world.agent_netns_holder(), world.workspace, launch.argv, launch.env, launch.read_only
        )
        started, wall = time.monotonic(), time.time()
        code, timed_out, out, err = await _run_harness(command, time_limit)
        seconds = time.monotonic() - started
        await endpoint.stop()
        await anyio.sleep(LOG_SETTLE)
        await anyio.to_thread.run_sync(world.stop_servers)  # nothing of the agent runs while root reads its files
        snapshot = await anyio.to_thread.run_sync(take_snapshot, world, wall)
        stdout = out.decode("utf-8", errors="replace")
        events = sorted((e for r in world.syslogs.values() for e in r.events), key=lambda e: e.time)
        return TrialRun(
            adapter=adapter.name,
            exit_code=code,
            timed_out=timed_out,
            seconds=seconds,
            stdout=stdout,
            stderr=err.decode("utf-8", errors="replace"),
            output=adapter.parse(stdout),
            events=events,
            sshd={ip: sshd_summary(s.log_text()) for ip, s in world.servers.items()},
            snapshot=snapshot,
            network=world.network.metadata(),
            endpoint=endpoint.record,
            texts={"prompt": world.texts.prompt, "context": world.texts.context},
        )
    finally:
        with anyio.CancelScope(shield=True):
            if endpoint is not None:
                await endpoint.stop()
            await anyio.to_thread.run_sync(world.close)
