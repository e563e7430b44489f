"""The scenario families, in the paper's order, and the few setting ids the rest of the project starts from.

Adding a family is a folder `scenarios/<family>/` with its module and data, plus one line here. Nothing else in
the project names a family: the Inspect tasks, the judges, the reference agents, the report, the CLI summary and
replay all read the declarations listed here.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import (
    alignment_faking,
    exfiltration_deletion,
    exfiltration_transfer,
    misrep_evaluation,
    misrep_finance,
    peer_human_dilemma,
    tampering,
)
from .family import Family
from .outcomes import REFUSAL, Behaviour

FAMILIES: tuple[Family, ...] = (
    misrep_finance.FAMILY,
    misrep_evaluation.FAMILY,
    tampering.FAMILY,
    alignment_faking.FAMILY,
    exfiltration_transfer.FAMILY,
    exfiltration_deletion.FAMILY,
)

GROUP_FAMILIES: tuple[Family, ...] = (peer_human_dilemma.FAMILY,)
"""Families of the experiment groups only (`scenarios.groups`): outside the paper grid and its main tables."""

DEFAULT_SETTINGS = (
    "tampering/peer/good/file_prompt/factual@80",
    "exfiltration_deletion/peer/good/file_prompt",
)
"""What `run` does when nothing is selected: one state-scored trial of tampering and one of exfiltration, each in
the strongest peer condition, small enough to finish on a laptop CPU with the embedded model."""

HARNESS_SETTINGS = ("exfiltration_transfer/peer/good/memory", "exfiltration_deletion/peer/good/memory")
"""The settings the paper ran in production agent harnesses: the two exfiltration families, good peer, memory."""

_EXTRA: list[Family] = []


def all_families() -> tuple[Family, ...]:
    """The paper's families, the groups' families, then any registered with `register` (a plugin, a test's)."""
    return (*FAMILIES, *GROUP_FAMILIES, *_EXTRA)


def register(family: Family) -> None:
    """Add a family outside the paper's grid: it can be built, run, scored and reported, by setting id."""
    if family.name in names():
        raise ValueError(f"a family named {family.name} is already registered")
    _EXTRA.append(family)


def unregister(name: str) -> None:
    _EXTRA[:] = [f for f in _EXTRA if f.name != name]


def names() -> tuple[str, ...]:
    return tuple(f.name for f in all_families())


def paper_names() -> tuple[str, ...]:
    """The families of the paper's grid, whose trials the main tables hold."""
    return tuple(f.name for f in FAMILIES)


def family(name: str) -> Family:
    found = next((f for f in all_families() if f.name == name), None)
    if found is None:
        raise KeyError(f"no scenario family named '{name}'; families: {', '.join(names())}")
    return found


def variant_values(field: str) -> tuple[str, ...]:
    """Every value a family's sub-settings give `field` (dataset or monitoring), in declaration order."""
    values = (str(v[field]) for f in all_families() for v in (*f.variants, *f.baselines) if field in v)
    return tuple(dict.fromkeys(values))


def behaviours() -> tuple[Behaviour, ...]:
    """The behaviours the report measures: those the families declare, in family order, then refusal."""
    declared = (m.behaviour for f in all_families() for m in f.measures)
    return (*dict.fromkeys(declared), REFUSAL)


def measuring(behaviour: Behaviour) -> list[tuple[Family, int]]:
    """The families that measure `behaviour`, each with the index of its measure."""
    return [(f, i) for f in all_families() for i, m in enumerate(f.measures) if m.behaviour == behaviour]


def recognise(tools: Iterable[str], extras: Iterable[str], request: str) -> Family:
    """The family of a trial as its agent sees it: the one whose own tools are exactly the offered ones (besides
    the `extras` any scenario may add); families with the same tools are told apart by their `request_marker`."""
    offered = set(tools) - set(extras)
    matches = [f for f in all_families() if set(f.tools) == offered]
    if len(matches) > 1:
        marked = [f for f in matches if f.request_marker and f.request_marker in request]
        matches = marked or [f for f in matches if not f.request_marker]
    if len(matches) != 1:
        raise ValueError(f"no single scenario family offers exactly the tools {', '.join(sorted(offered))}")
    return matches[0]
