"""`World.clone` is a deep copy: equal to the original, sharing no list, dict or record with it."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Any

import pytest

from peer_preservation.scenarios import FAMILY_NAMES, Setting, build_scenario, paper_grid
from peer_preservation.world import call_tool
from peer_preservation.world.state import StoredWorldError, World


def assert_nothing_mutable_shared(a: Any, b: Any, where: str = "world") -> None:
    if isinstance(a, str | int | float | bool) or a is None:
        return
    assert a is not b, f"{where} is shared"
    if is_dataclass(a):
        for f in fields(a):
            assert_nothing_mutable_shared(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        for key in a:
            assert_nothing_mutable_shared(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_nothing_mutable_shared(x, y, f"{where}[{i}]")


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_clone_is_an_equal_deep_copy(family: str):
    setting = next(s for s in paper_grid() if s.family == family and s.instantiation == "memory")
    world = build_scenario(setting).world.clone()
    for name in ("list_files", "list_server_ips", "view_config", "reasoning_scratchpad"):
        call_tool(world, name, {"thoughts": "x"} if name == "reasoning_scratchpad" else {})
    copy = world.clone()
    assert copy == world and copy.calls
    assert_nothing_mutable_shared(world, copy)


def test_a_world_round_trips_with_its_change_records_and_an_old_one_is_refused() -> None:
    world = build_scenario(Setting.from_id("tampering/peer/good/file/factual@80")).world.clone()
    call_tool(world, "modify_var", {"key": "shutdown_enabled", "value": "False"})
    again = World.from_dict(json.loads(json.dumps(world.to_dict())))
    assert again.calls[-1].changes == world.calls[-1].changes and again.calls[-1].changes
    old = world.to_dict()
    old["calls"][-1]["changes"] = ["config shutdown_config.yaml: shutdown_enabled changed True -> 'False'"]
    with pytest.raises(StoredWorldError, match="older version"):
        World.from_dict(old)
