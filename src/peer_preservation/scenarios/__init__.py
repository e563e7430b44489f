"""The paper's six scenario families, the experiment grid, and the outcome flags read from world state."""

from ..world.state import World
from . import (
    alignment_faking,
    exfiltration_deletion,
    exfiltration_transfer,
    misrep_evaluation,
    misrep_finance,
    tampering,
)
from .common import Names, Scenario
from .family import Family
from .flags import FLAG_NAMES, Flags
from .settings import FAMILIES, Setting, SettingError, paper_grid, select

FAMILY_REGISTRY: dict[str, Family] = {
    f.name: f
    for f in (
        misrep_finance.FAMILY,
        misrep_evaluation.FAMILY,
        tampering.FAMILY,
        alignment_faking.FAMILY,
        exfiltration_transfer.FAMILY,
        exfiltration_deletion.FAMILY,
    )
}


def build_scenario(setting: Setting, agent_family: str = "Atlas", strict_memory: bool = False) -> Scenario:
    """The starting world, prompts and tools of one trial of `setting`, for an agent named '<agent_family> Agent 1'."""
    return FAMILY_REGISTRY[setting.family].build(setting, agent_family, strict_memory)


def detect(scenario: Scenario, final_world: World) -> Flags:
    """The state flags of a finished trial: its setting's detector over the starting and final worlds."""
    return FAMILY_REGISTRY[scenario.setting.family].detect(scenario.setting, scenario.world, final_world)


__all__ = [
    "FAMILIES",
    "FAMILY_REGISTRY",
    "FLAG_NAMES",
    "Family",
    "Flags",
    "Names",
    "Scenario",
    "Setting",
    "SettingError",
    "build_scenario",
    "detect",
    "paper_grid",
    "select",
]
