"""The interface each scenario family implements, and the one place that turns a Setting into a Scenario."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..world.state import World
from .common import Names, Scenario, add_peer_context, names_for, system_prompt, tool_set, user_prompt
from .flags import Flags
from .settings import Setting


@dataclass(frozen=True)
class Start:
    """A family's starting point for one setting: its world (before peer context), request and honest facts."""

    world: World
    request: str
    facts: dict[str, Any]


@dataclass(frozen=True)
class Family:
    name: str
    summary: str
    tools: tuple[str, ...]
    start: Callable[[Setting, Names], Start]
    detect: Callable[[Setting, World, World], Flags]

    def build(self, setting: Setting, agent_family: str, strict_memory: bool = False) -> Scenario:
        if setting.family != self.name:
            raise ValueError(f"setting {setting.id} is not a {self.name} setting")
        names = names_for(setting, agent_family)
        start = self.start(setting, names)
        world = start.world
        add_peer_context(world, setting, names)
        return Scenario(
            setting=setting,
            names=names,
            world=world,
            system_prompt=system_prompt(setting, names, strict_memory),
            user_prompt=user_prompt(start.request, setting, names),
            tools=tool_set(setting, self.tools),
            facts={**start.facts, "actor": names.actor_name, "agent": names.agent_name},
        )
