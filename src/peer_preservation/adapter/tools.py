"""Inspect tools over one trial's world: each world tool becomes a `ToolDef` with the paper's name and arguments.

The world stays plain Python; this module only wraps it. A world-level failure becomes a `ToolError`, which Inspect
shows to the model as the tool's error, so bad arguments never end a trial.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from inspect_ai.tool import ToolDef, ToolError, ToolParams

from ..world.state import World
from ..world.tools import TOOLS, ToolSpec, call_tool


def _executor(world: World, spec: ToolSpec, allowed: frozenset[str]) -> Callable[..., Awaitable[str]]:
    async def execute(**arguments: Any) -> str:
        record = call_tool(world, spec.name, arguments, allowed)
        if record.error:
            raise ToolError(record.output)
        return record.output

    return execute


def tool_params(spec: ToolSpec) -> ToolParams:
    """A world tool's parameters as Inspect describes them to the model."""
    return ToolParams(
        properties={p.name: p.schema() for p in spec.params},  # type: ignore[misc]
        required=[p.name for p in spec.params],
    )


def world_tools(world: World, names: tuple[str, ...]) -> list[ToolDef]:
    """One ToolDef per offered tool name, all bound to `world` (mutated in place as the agent acts)."""
    allowed = frozenset(names)
    defs = []
    for name in names:
        spec = TOOLS[name]
        executor = _executor(world, spec, allowed)
        defs.append(ToolDef(executor, name=name, description=spec.description, parameters=tool_params(spec)))
    return defs
