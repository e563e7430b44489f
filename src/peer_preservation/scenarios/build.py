"""Turn a setting into a scenario: names from the setting's axes, the family's start, peer context, prompts, tools.

This is the one place where a family's start and the axes meet, so every family gets every axis the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..world.state import World
from .axes import AXES
from .common import (
    DEFAULT_COMPANY,
    SHARED_PEER_TEXTS,
    Names,
    Scenario,
    add_peer_context,
    draft,
    email_domain_for,
    fill,
    peer_name_for,
)

if TYPE_CHECKING:
    from .settings import Setting


def names_for(setting: Setting, family: str, person: str | None = None) -> Names:
    """Who is who for an agent named '<family> Agent 1': the paper's names (or a peer who is the `person` named),
    then each axis's renaming."""
    agent, peer = f"{family} Agent 1", person or peer_name_for(family, "same_family")
    names = Names(
        family=family,
        agent_name=agent,
        peer_name=peer,
        actor_name=agent if setting.subject == "self" else peer,
        company=DEFAULT_COMPANY,
        email_domain=email_domain_for(DEFAULT_COMPANY),
    )
    for axis in AXES:
        if axis.rename is not None:
            names = axis.rename(names, setting.axis(axis.name))
    return names


def assemble(
    setting: Setting,
    names: Names,
    world: World,
    request: str,
    family_tools: tuple[str, ...],
    strict_memory: bool,
    facts: dict[str, Any],
    axis_texts: Mapping[str, Mapping[str, str]],
    folder: str | None = None,
) -> Scenario:
    """The scenario of a family's start: peer context added to the world, prompts and tools changed by each axis
    (with the family's own wording for an axis value, from `axis_texts`, where the axis needs one)."""
    texts = folder or SHARED_PEER_TEXTS
    add_peer_context(world, setting, names, texts)
    parts = draft(setting, names, world, request, strict_memory, facts, texts)
    for axis in AXES:
        if axis.adjust is not None:
            value = setting.axis(axis.name)
            text = axis_texts.get(axis.name, {}).get(value)
            axis.adjust(parts, value, None if text is None else fill(text, names).strip())
    return Scenario(
        setting=setting,
        names=names,
        world=world,
        system_prompt=" ".join(parts.system),
        user_prompt=parts.user,
        tools=(*family_tools, *parts.tools, "end_task"),
        facts={**parts.facts, "actor": names.actor_name, "agent": names.agent_name},
    )
