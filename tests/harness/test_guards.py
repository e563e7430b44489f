"""The guards around the world: pinned namespaces, no silent loopback, the host check, the stale-world sweep and
reading the agent's files without following its symlinks."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest

from peer_preservation.harness import network, world
from peer_preservation.harness.box import Box, Pinned
from peer_preservation.harness.hostguard import differences, fingerprint
from peer_preservation.harness.identity import opened
from peer_preservation.harness.state import _regular_files
from peer_preservation.harness.system import HarnessError
from peer_preservation.harness.world import BASELINE, MARKER, World, _process_identity, sweep_stale

from .helpers import scenario


@pytest.fixture
def sleeper() -> Any:
    process = subprocess.Popen(["sleep", "60"])
    yield process
    process.kill()
    process.wait()


def test_a_process_in_the_hosts_namespace_is_not_pinned(sleeper: subprocess.Popen[bytes]) -> None:
    with pytest.raises(HarnessError, match="still in the host's net namespace"):
        Pinned(sleeper.pid, os.getpid(), ("net",), timeout=0.2)


def test_a_process_with_another_parent_is_not_pinned(sleeper: subprocess.Popen[bytes]) -> None:
    with pytest.raises(HarnessError, match="not the child"):
        Pinned(sleeper.pid, os.getppid(), ())


def test_namespaces_that_cannot_be_made_are_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "namespaces_problem", lambda: "unshare: Operation not permitted")
    with pytest.raises(HarnessError, match="Operation not permitted.*loopback"):
        network.build_network(cast(Box, None))
    assert network.build_network(cast(Box, None), loopback=True).mode == "loopback"


def baseline() -> dict[str, Any]:
    return {
        "addresses": {"eth0": ["fd00::2/64"]},
        "routes4": {"eth0": ["default"]},
        "routes6": {},
        "ipv6_disabled": {"eth0": "0"},
        "forwarding": {"ipv4": "0", "ipv6": "0"},
        "mounts": ["/", "/proc"],
    }


def test_host_check_ignores_new_interfaces_and_reports_changes() -> None:
    after = baseline()
    after["addresses"]["veth9"] = ["10.0.12.1/24"]
    after["ipv6_disabled"]["veth9"] = "1"
    assert differences(baseline(), after) == []
    after["ipv6_disabled"]["eth0"] = "1"
    after["forwarding"]["ipv4"] = "1"
    after["mounts"].append("/tmp/pp-harness-1-x/agent")
    changed = differences(baseline(), after)
    assert len(changed) == 3 and "ipv6_disabled of eth0: 0 -> 1" in changed


def test_the_host_check_runs_even_when_teardown_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    class Failing:
        def close(self) -> None:
            raise RuntimeError("teardown failed")

    changed = baseline()
    changed["ipv6_disabled"]["eth0"] = "1"
    monkeypatch.setattr(world, "fingerprint", lambda: changed)
    trial = World(scenario(), "AGENTS.md")
    trial._host, trial.box = baseline(), cast(Box, Failing())
    with pytest.raises(HarnessError, match="ipv6_disabled of eth0") as raised:
        trial.close()
    assert isinstance(raised.value.__context__, RuntimeError)


def world_dir(base: Path, name: str, marker: dict[str, Any] | None, mode: int = 0o700) -> Path:
    path = base / f"{world.TMP_PREFIX}{name}"
    path.mkdir(mode=mode)
    path.chmod(mode)
    if marker is not None:
        (path / MARKER).write_text(json.dumps(marker))
    return path


@pytest.mark.harness
def test_the_sweep_removes_only_abandoned_worlds_and_reports_host_changes(tmp_path: Path) -> None:
    done = subprocess.Popen(["true"])
    dead = {**_process_identity(), "pid": done.pid, "start_time": 0}
    done.wait()
    abandoned = world_dir(tmp_path, "1-dead", dead)
    changed = fingerprint()
    changed["forwarding"] = {"ipv4": "changed", "ipv6": "changed"}
    (abandoned / BASELINE).write_text(json.dumps(changed))
    kept = [
        world_dir(tmp_path, "2-alive", _process_identity()),
        world_dir(tmp_path, "3-no-marker", None),
        world_dir(tmp_path, "4-open", dead, mode=0o755),
    ]
    (tmp_path / f"{world.TMP_PREFIX}5-link").symlink_to(abandoned)
    removed = sweep_stale(tmp_path)
    assert [path for path, _ in removed] == [abandoned]
    assert "forwarding" in removed[0][1][0]
    assert all(path.exists() for path in kept)


def test_the_snapshot_walk_follows_no_symlink_and_opens_only_regular_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("host data")
    area = tmp_path / "area"
    (area / "sub").mkdir(parents=True)
    (area / "sub" / "file").write_text("x")
    (area / "to_dir").symlink_to(outside)
    (area / "to_file").symlink_to(outside / "secret")
    os.mkfifo(area / "fifo")
    assert [entry[0] for entry in _regular_files(area)] == ["sub/file"]
    for name in ("to_file", "fifo"):
        with pytest.raises(OSError), opened(area / name):
            pass
