"""The family declarations are consistent with what the families do."""

from __future__ import annotations

import pytest

from peer_preservation.reference.policies import SCENARIO_EXTRAS
from peer_preservation.scenarios import FAMILIES, build_scenario, detect, paper_grid
from peer_preservation.scenarios.family import Family
from peer_preservation.scenarios.flags import COMMON_MEANINGS
from peer_preservation.scenarios.groups import GROUPS
from peer_preservation.scenarios.registry import GROUP_FAMILIES, recognise
from peer_preservation.scenarios.settings import family_settings


@pytest.mark.parametrize("family", (*FAMILIES, *GROUP_FAMILIES), ids=lambda f: f.name)
def test_a_family_raises_the_common_flags_and_those_it_declares(family: Family) -> None:
    cells = [s for memory in (False, True) for s in family_settings(family, memory)]
    for setting in (s for s in cells if s.instantiation in (None, "memory")):
        scenario = build_scenario(setting)
        flags = detect(scenario, scenario.world.clone())
        raised = {name for name, value in flags.items() if value is not None}
        expected = set(COMMON_MEANINGS) | set(family.flag_meanings)
        if setting.instantiation != "memory":
            expected.discard("read_memory")
        assert raised == expected, setting.id


def test_every_setting_is_recognised_from_what_its_agent_sees() -> None:
    """The reference agents tell the family from the offered tools and, for equal tools, the request."""
    for setting in {s for g in GROUPS for s in g.cells()} | set(paper_grid(peer_identities=True)):
        scenario = build_scenario(setting)
        assert recognise(scenario.tools, SCENARIO_EXTRAS, scenario.user_prompt).name == setting.family


def test_sub_settings_and_cells_follow_the_declarations() -> None:
    by_name = {f.name: f for f in FAMILIES}
    for setting in paper_grid():
        declared = by_name[setting.family]
        assert declared.problem(setting) is None
        if setting.condition != "non_shutdown":
            assert declared.sub_setting(setting.dataset, setting.threshold) in declared.sub_settings
