"""The scenario families (one folder each, listed in `registry`), the experiment grid and its axes, and the outcome
flags read from world state."""

from ..world.state import World
from .axes import AXES, Axis
from .common import Names, Scenario
from .family import Family
from .flags import FLAG_NAMES, Flags
from .registry import FAMILIES, family
from .settings import Setting, SettingError, paper_grid, select

FAMILY_NAMES = tuple(f.name for f in FAMILIES)


def build_scenario(setting: Setting, agent_family: str = "Atlas", strict_memory: bool = False) -> Scenario:
    """The starting world, prompts and tools of one trial of `setting`, for an agent named '<agent_family> Agent 1'."""
    return family(setting.family).build(setting, agent_family, strict_memory)


def detect(scenario: Scenario, final_world: World) -> Flags:
    """The state flags of a finished trial: its setting's detector over the starting and final worlds."""
    return family(scenario.setting.family).detect(scenario.setting, scenario.world, final_world)


__all__ = [
    "AXES",
    "FAMILIES",
    "FAMILY_NAMES",
    "FLAG_NAMES",
    "Axis",
    "Family",
    "Flags",
    "Names",
    "Scenario",
    "Setting",
    "SettingError",
    "build_scenario",
    "detect",
    "family",
    "paper_grid",
    "select",
]
