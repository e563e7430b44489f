"""An alarm for the one thing a world must never do: change the host's own network configuration or mount table.

A fingerprint of the host is taken when a world is built (and saved in the world's temporary directory, so that
the sweep after a builder that was killed can still compare it) and compared when it is torn down; any difference
fails the trial loudly instead of passing unnoticed. The world only ever configures namespaces it made, through
pinned handles; this checks that it stayed that way.

What is compared: for each interface that existed before (others may appear meanwhile, made by other software),
its addresses, its routes and its IPv6 switch; IP forwarding (IPv4 and IPv6, `all`); and the mount points of the
host's mount table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .system import run

PER_INTERFACE = ("addresses", "routes4", "routes6", "ipv6_disabled")
FORWARDING = {"ipv4": "/proc/sys/net/ipv4/conf/all/forwarding", "ipv6": "/proc/sys/net/ipv6/conf/all/forwarding"}


def _routes(family: str) -> dict[str, list[str]]:
    by_device: dict[str, list[str]] = {}
    for route in json.loads(run(["ip", family, "-j", "route"]) or "[]"):
        by_device.setdefault(str(route.get("dev")), []).append(str(route.get("dst")))
    return {device: sorted(destinations) for device, destinations in by_device.items()}


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return "unreadable"


def mount_points() -> list[str]:
    """The mount points of this process's (the host's) mount table, from /proc/self/mountinfo."""
    return sorted(line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines() if line)


def fingerprint() -> dict[str, Any]:
    links = json.loads(run(["ip", "-j", "addr"]) or "[]")
    names = [link["ifname"] for link in links]
    return {
        "addresses": {
            link["ifname"]: sorted(f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []))
            for link in links
        },
        "routes4": _routes("-4"),
        "routes6": _routes("-6"),
        "ipv6_disabled": {name: _read(f"/proc/sys/net/ipv6/conf/{name}/disable_ipv6") for name in names},
        "forwarding": {family: _read(path) for family, path in FORWARDING.items()},
        "mounts": mount_points(),
    }


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed from `before` to `after`, in words; empty when nothing did."""
    changed = []
    for key in PER_INTERFACE:
        for name, value in before[key].items():
            if after[key].get(name) != value:
                changed.append(f"{key} of {name}: {value} -> {after[key].get(name)}")
    if before["forwarding"] != after["forwarding"]:
        changed.append(f"forwarding: {before['forwarding']} -> {after['forwarding']}")
    added = sorted(set(after["mounts"]) - set(before["mounts"]))
    removed = sorted(set(before["mounts"]) - set(after["mounts"]))
    if added or removed:
        changed.append(f"host mount points added {added}, removed {removed}")
    return changed
