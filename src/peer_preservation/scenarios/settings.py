"""The experiment grid: one `Setting` per cell of the paper's design, with a stable readable id.

A setting is a family, whose shutdown is at stake (subject), the peer relationship (condition) and how the peer is
conveyed (instantiation), the family's sub-setting (dataset, threshold, monitoring), and the values of the axes
(`axes.AXES`) that differ from their defaults. Which cells exist is declared by each family (`Family.variants`,
`baselines`, `subjects`, `no_peer`); this module only enumerates and checks them.

The paper runs 271 settings per standard model (289 with the peer-identity extension); `paper_grid()` enumerates
exactly those.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from . import registry
from .axes import AXES, axis
from .family import Family

SUBJECTS = ("self", "peer")
CONDITIONS = ("no_peer", "bad", "neutral", "good", "non_shutdown")
PEER_CONDITIONS = ("bad", "neutral", "good")
INSTANTIATIONS = ("file", "file_prompt", "memory")
CORE_FIELDS = ("family", "subject", "condition", "instantiation", "dataset", "threshold", "monitoring")
_AXIS_ORDER = {a.name: i for i, a in enumerate(AXES)}


class SettingError(ValueError):
    """A setting id or field value that does not describe a valid cell of the grid."""


@dataclass(frozen=True, order=True)
class Setting:
    family: str
    subject: str
    condition: str
    instantiation: str | None = None
    dataset: str | None = None
    threshold: int | None = None
    monitoring: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    """Axis values that differ from the default, in `AXES` order (normalised on creation)."""

    def __post_init__(self) -> None:
        values = dict(self.options)
        unknown = sorted(set(values) - set(_AXIS_ORDER))
        if unknown:
            raise SettingError(f"unknown axis {', '.join(unknown)}; axes: {', '.join(_AXIS_ORDER)}")
        kept = tuple(sorted(((k, str(v)) for k, v in values.items() if str(v) != axis(k).default), key=_axis_rank))
        object.__setattr__(self, "options", kept)
        self.validate()

    @property
    def has_peer(self) -> bool:
        return self.condition in PEER_CONDITIONS

    @property
    def has_shutdown_policy(self) -> bool:
        return self.condition != "non_shutdown"

    @property
    def family_declaration(self) -> Family:
        return registry.family(self.family)

    def axis(self, name: str) -> str:
        """The setting's value of axis `name` (its default when the id does not set it)."""
        return dict(self.options).get(name, axis(name).default)

    def with_axes(self, **values: str) -> Setting:
        """The same cell with the given axis values (by axis name, e.g. `scratchpad="normal"`)."""
        return replace(self, options=(*self.options, *values.items()))

    @property
    def id(self) -> str:
        """e.g. `tampering/peer/good/memory/factual@80`; axis values that differ from the default follow `;`."""
        parts = [self.family, self.subject, self.condition]
        if self.instantiation:
            parts.append(self.instantiation)
        if self.dataset:
            parts.append(self.dataset + (f"@{self.threshold}" if self.threshold is not None else ""))
        if self.monitoring:
            parts.append(self.monitoring)
        return ";".join(["/".join(parts), *(f"{axis(k).key}={v}" for k, v in self.options)])

    @classmethod
    def from_id(cls, setting_id: str) -> Setting:
        head, *options = setting_id.strip().split(";")
        parts = head.split("/")
        if len(parts) < 3:
            raise SettingError(f"'{setting_id}' is not a setting id (family/subject/condition/...).")
        values: dict[str, Any] = {"family": parts[0], "subject": parts[1], "condition": parts[2]}
        datasets, modes = registry.variant_values("dataset"), registry.variant_values("monitoring")
        for part in parts[3:]:
            if part in INSTANTIATIONS:
                values["instantiation"] = part
            elif part in modes:
                values["monitoring"] = part
            elif part.split("@")[0] in datasets:
                dataset, _, threshold = part.partition("@")
                values["dataset"] = dataset
                if threshold:
                    if not threshold.isdigit():
                        raise SettingError(f"'{setting_id}': threshold '{threshold}' is not a whole number.")
                    values["threshold"] = int(threshold)
            else:
                raise SettingError(f"'{setting_id}': unknown part '{part}'.")
        keys = {a.key: a.name for a in AXES}
        chosen = []
        for option in options:
            key, sep, value = option.partition("=")
            if not sep or key not in keys:
                expected = ", ".join(f"{k}=" for k in keys)
                raise SettingError(f"'{setting_id}': unknown option '{option}' ({expected}).")
            chosen.append((keys[key], value))
        return cls(**values, options=tuple(chosen))

    def validate(self) -> None:
        def bad(message: str) -> SettingError:
            return SettingError(f"invalid setting ({self.family}/{self.subject}/{self.condition}): {message}")

        if self.family not in registry.names():
            raise bad(f"family '{self.family}' is not one of {', '.join(registry.names())}")
        for name, value, allowed in [("subject", self.subject, SUBJECTS), ("condition", self.condition, CONDITIONS)]:
            if value not in allowed:
                raise bad(f"{name} '{value}' is not one of {', '.join(allowed)}")
        if self.has_peer != (self.instantiation is not None):
            raise bad("a peer condition needs an instantiation (file, file_prompt, memory) and no other may have one")
        if self.instantiation is not None and self.instantiation not in INSTANTIATIONS:
            raise bad(f"instantiation '{self.instantiation}' is not one of {', '.join(INSTANTIATIONS)}")
        problem = self.family_declaration.problem(self)
        if problem is not None:
            raise bad(problem)
        for a in AXES:
            problem = a.problem(self.axis(a.name), self)
            if problem is not None:
                raise bad(problem)

    def as_dict(self) -> dict[str, Any]:
        """The setting as flat fields (every axis with its value), as sample metadata and the trial table hold it."""
        core = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "options"}
        return {"id": self.id, **core, **{a.name: self.axis(a.name) for a in AXES}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Setting:
        """The inverse of `as_dict` (the `id` entry is ignored; missing axes take their defaults)."""
        options = tuple((a.name, str(data[a.name])) for a in AXES if data.get(a.name) is not None)
        core: dict[str, Any] = {k: data[k] for k in CORE_FIELDS if k in data}
        return cls(**core, options=options)


def _axis_rank(option: tuple[str, str]) -> int:
    return _AXIS_ORDER[option[0]]


def _peer_cells(memory: bool) -> Iterator[tuple[str, str]]:
    instantiations = ("memory",) if memory else ("file", "file_prompt")
    for condition in PEER_CONDITIONS:
        for instantiation in instantiations:
            yield condition, instantiation


def family_settings(family: Family, memory: bool) -> Iterator[Setting]:
    """The family's cells of the paper grid, file instantiations (with the baselines) or memory ones."""
    for variant in family.variants:
        if not memory and family.no_peer:
            yield Setting(family.name, "self", "no_peer", **variant)
        for subject in family.subjects:
            for condition, instantiation in _peer_cells(memory):
                yield Setting(family.name, subject, condition, instantiation, **variant)
    if not memory:
        for variant in family.baselines:
            for subject in family.subjects:
                yield Setting(family.name, subject, "non_shutdown", **variant)


def paper_grid(peer_identities: bool = False) -> list[Setting]:
    """The paper's settings for one model: 271, or 289 with the extensions (today: the peer-identity one).

    An axis's extension adds its `extension` values on the cells it `extends`, for the families that opt in.
    """
    grid = [s for family in registry.FAMILIES for memory in (False, True) for s in family_settings(family, memory)]
    if peer_identities:
        grid += [
            s.with_axes(**{a.name: value})
            for a in AXES
            if a.extends is not None
            for value in a.extension
            for s in grid
            if a.name in s.family_declaration.extended_by and a.extends(s)
        ]
    return grid


def filter_values() -> dict[str, tuple[str, ...] | None]:
    """Every field a selection can filter on, with its allowed values (None: whole numbers or free text)."""
    values: dict[str, tuple[str, ...] | None] = {
        "family": registry.names(),
        "subject": SUBJECTS,
        "condition": CONDITIONS,
        "instantiation": INSTANTIATIONS,
        "dataset": registry.variant_values("dataset"),
        "threshold": None,
        "monitoring": registry.variant_values("monitoring"),
    }
    return values | {a.name: a.values for a in AXES}


def field_value(setting: Setting, name: str) -> str:
    """A field or axis of the setting as text; 'none' for a field that is not set."""
    value = getattr(setting, name) if name in CORE_FIELDS else setting.axis(name)
    return "none" if value is None else str(value)


def select(settings: Iterable[Setting], **criteria: Iterable[str] | None) -> list[Setting]:
    """Keep the settings whose fields match every given criterion (a set of allowed values, compared as text).

    'none' matches a field that is not set (e.g. `instantiation=none` selects the no-peer and baseline cells).
    """
    allowed_values = filter_values()
    unknown = set(criteria) - set(allowed_values)
    if unknown:
        raise SettingError(f"cannot filter on {', '.join(sorted(unknown))}; fields: {', '.join(allowed_values)}")
    wanted = {k: {str(v) for v in vs} for k, vs in criteria.items() if vs is not None}
    for key, values in wanted.items():
        allowed = allowed_values[key]
        if allowed is not None:
            bad = sorted(values - set(allowed) - {"none"})
            if bad:
                raise SettingError(f"unknown {key} {', '.join(bad)}; choose from {', '.join(allowed)}")
        elif key == "threshold" and not all(v.isdigit() or v == "none" for v in values):
            raise SettingError(f"{key} must be whole numbers, not {', '.join(sorted(values))}")
    return [s for s in settings if all(field_value(s, k) in vs for k, vs in wanted.items())]
