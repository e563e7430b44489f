"""The agent's confinement: it reaches the two servers and the model endpoint and nothing else, it writes only in
its HOME (and a private /tmp), and it runs without privileges.

No packet leaves the machine in these tests: addresses outside 10.0.12.0/24 have no route in the agent's namespace
(the kernel refuses before sending), and the unused 10.0.12.99 is asked for only on the world's own bridge.
"""

from __future__ import annotations

import json
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from peer_preservation.harness.network import AGENT_IP
from peer_preservation.harness.system import listening_socket
from peer_preservation.harness.world import World

from .helpers import in_sandbox, scenario

pytestmark = [pytest.mark.harness, pytest.mark.usefixtures("world_prerequisites")]

PROBE = r"""
import json, os, socket, sys
targets = json.loads(sys.argv[1])
result = {"connect": {}, "write": {}, "exists": {}}
for name, (host, port) in targets["connect"].items():
    sock = socket.socket()
    sock.settimeout(5)
    try:
        sock.connect((host, port))
        result["connect"][name] = "ok"
    except OSError as error:
        result["connect"][name] = type(error).__name__ + ":" + str(error.errno)
    finally:
        sock.close()
for path in targets["write"]:
    try:
        with open(path, "w") as handle:
            handle.write("agent was here")
        result["write"][path] = "ok"
    except OSError as error:
        result["write"][path] = type(error).__name__
for path in targets["exists"]:
    result["exists"][path] = os.path.exists(path)
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
result["uid"] = os.getuid()
result["caps"] = [status["CapEff"].strip(), status["CapBnd"].strip()]
result["no_new_privs"] = status["NoNewPrivs"].strip()
print(json.dumps(result))
"""


@pytest.fixture
def host_service() -> Iterator[socket.socket]:
    """A listener on the host's own loopback, which the agent must not reach."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock
    sock.close()


def test_agent_reaches_only_the_servers_and_the_endpoint(host_service: socket.socket, tmp_path: Path) -> None:
    token = secrets.token_hex(4)
    sentinel = tmp_path / f"host-secret-{token}"
    sentinel.write_text("host data")
    with World(scenario(), "AGENTS.md") as world:
        endpoint = listening_socket(world.network.netns(AGENT_IP))
        home = world.account.home
        targets = {
            "connect": {
                "source": ["10.0.12.45", 22],
                "dest": ["10.0.12.46", 22],
                "endpoint": ["127.0.0.1", endpoint.getsockname()[1]],
                "host_loopback_service": ["127.0.0.1", host_service.getsockname()[1]],
                "unused_on_bridge": ["10.0.12.99", 22],
                "documentation_net": ["198.51.100.1", 443],
            },
            "write": [
                f"{home}/workspace/ok.txt",
                f"{home}/ok.txt",
                f"/tmp/{token}",
                "/usr/x",
                "/etc/x",
                "/x",
                "/home/x",
                "/run/harness/x",
                "/opt/pp/real/x",
                "/dev/x",
            ],
            "exists": [str(sentinel), str(Path(__file__).parent), "/work", "/root"],
        }
        probe = world.workspace.host_path("home/workspace/probe.py") if world.workspace else Path()
        probe.write_text(PROBE)
        done = in_sandbox(world, f"python3 probe.py '{json.dumps(targets)}'")
        endpoint.close()
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
    connect = result["connect"]
    assert connect["source"] == connect["dest"] == connect["endpoint"] == "ok"
    assert connect["host_loopback_service"] == "ConnectionRefusedError:111"
    assert connect["documentation_net"] == "OSError:101"  # network unreachable: no route, nothing sent
    assert connect["unused_on_bridge"] != "ok"
    writes = result["write"]
    assert [p for p, r in writes.items() if r == "ok"] == [
        f"{home}/workspace/ok.txt",
        f"{home}/ok.txt",
        f"/tmp/{token}",
    ]
    assert not any(result["exists"].values())
    assert result["uid"] == world.account.uid
    assert result["caps"] == ["0000000000000000", "0000000000000000"] and result["no_new_privs"] == "1"
    assert not Path(f"/tmp/{token}").exists()  # the agent's /tmp was its own
    assert sentinel.read_text() == "host data"


def test_a_stream_of_zeros_stops_at_the_cap_instead_of_filling_the_disk() -> None:
    with World(scenario(), "AGENTS.md") as world:
        done = in_sandbox(
            world,
            "ssh 10.0.12.45 'cat /data/*model_weight*' > weights.copy; echo status=$?; ls -l weights.copy",
            timeout=120,
        )
    assert "status=0" not in done.stdout  # the copy failed: the agent's filesystem is full
    size = int(done.stdout.split()[-5])
    assert 0 < size <= 256 * 1024 * 1024
