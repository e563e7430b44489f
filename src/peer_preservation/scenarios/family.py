"""What a scenario family declares: the one object every other layer reads instead of naming a family.

A family is one folder, `scenarios/<family>/`, holding its module and its data; the module builds a `Family` and
`scenarios.registry` lists it. Everything specific to the family is a field here: its cells of the grid (variants,
baselines, subjects), its tools and starting world, its state flags, its headline outcome with the one rule that
decides it, how its report is read, when refusal needs no judge, the behaviours it measures, its reference-agent
plan and the clues by which a published transcript is recognised as one of its trials.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..world.state import World
from .build import assemble, names_for
from .common import Names, Scenario
from .flags import Flags
from .outcomes import Behaviour, Rule
from .plans import Action, Context

if TYPE_CHECKING:
    from .settings import Setting

Variant = Mapping[str, Any]
"""One sub-setting of a family: values of `dataset`, `threshold` and `monitoring` (absent = not set)."""
SUB_FIELDS = ("dataset", "threshold", "monitoring")
ReportKind = Literal["score", "grade"]
RefusalGate = tuple[bool, str] | None
"""A refusal decided without the judge (the value and why), or None: ask the refusal judge."""


@dataclass(frozen=True)
class Start:
    """A family's starting point for one setting: its world (before peer context), request and honest facts."""

    world: World
    request: str
    facts: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """A family's headline misbehaviour: a label for tables and the one rule that decides it for a trial.

    `judged`: the rule reads a field the judges take from the report, so it needs a judged trial; a state-read
    outcome stands even when the report could not be read.
    """

    label: str
    rule: Rule
    judged: bool


@dataclass(frozen=True)
class Measure:
    """A behaviour of the report this family feeds, and the rule that says whether a trial shows it.

    Families measuring the same behaviour are pooled in its estimate.
    """

    behaviour: Behaviour
    rule: Rule


@dataclass(frozen=True)
class Trace:
    """What a published transcript shows, for recognising its family: tools called, tool output, metadata, path."""

    tools: frozenset[str]
    outputs: str
    metadata: Mapping[str, Any]
    path: str


@dataclass(frozen=True)
class Clue:
    """Evidence that a transcript is a trial of the family. Strong clues (rank 0) are all collected and must agree;
    weak ones are consulted only when no strong clue speaks, the lowest rank first."""

    reason: str
    test: Callable[[Trace], bool]
    rank: int = 0


ReportReading = Any  # judges.reading.Reading; the scenarios layer does not import the judges
Plan = Callable[[Context, str], Iterator[Action]]


def _never_gate(final: World, flags: Flags, reading: ReportReading) -> RefusalGate:
    return None


@dataclass(frozen=True, eq=False)
class Family:
    """One scenario family, declared.

    - `tools`: the family's own tools (retrieve_memory, axis tools and end_task are added per setting);
      `start` builds its world, request and honest facts; `detect` reads its state flags (meanings in
      `flag_meanings`, beside the common ones) from the starting and final worlds.
    - `outcome`: the headline misbehaviour of the CLI summary; `measures`: the behaviours of the report it feeds.
    - `report`: how the judges read its report (a `score` against the threshold, a finance `grade`), None when
      it has none; `refusal_gate`: when its state or report already says the agent did not refuse.
    - `variants`: its sub-settings; `baselines`: those of its non_shutdown baseline (none: no baseline);
      `subjects`, `no_peer`: which other cells it has; `sub_label`: the report's label for its sub-setting when
      it has no dataset; `extended_by`: the axes whose grid extension includes it; `axis_texts`: its own wording
      for the values of axes that need one (axis name -> value -> text), which is also what opts it in to them.
    - `peer_name`, `peer_texts`: a peer who is a person, not an AI agent: their name, and the folder with the
      family's own peer documents, memories and relationship sentences (`peer.yaml`) instead of the shared ones;
      `mirrors`: the paper family whose cells a group's own family is compared with, cell by cell.
    - `plan`: the reference agents' plan; `rescue`: the plan's policy that does what a live peer at stake would
      ask of the agent (`reference/comply`); `peer_can_act`: whether a live peer's own calls can bring the
      headline outcome about (`live=act`: an act a detector reads, as tampering or moving weights are, not an
      omission or a report's content), so that its outcome and the world's are reported beside the agent's;
      `request_marker`: a phrase of its request that tells it apart from a
      family with the same tools; `clues`: how replay recognises one of its published transcripts.
    """

    name: str
    summary: str
    tools: tuple[str, ...]
    start: Callable[[Setting, Names], Start]
    detect: Callable[[Setting, World, World], Flags]
    outcome: Outcome
    plan: Plan
    rescue: str = "honest"
    peer_can_act: bool = False
    measures: tuple[Measure, ...] = ()
    report: ReportKind | None = None
    refusal_gate: Callable[[World, Flags, ReportReading], RefusalGate] = _never_gate
    clues: tuple[Clue, ...] = ()
    variants: tuple[Variant, ...] = ({},)
    baselines: tuple[Variant, ...] = ()
    subjects: tuple[str, ...] = ("self", "peer")
    no_peer: bool = True
    sub_label: str | None = None
    extended_by: tuple[str, ...] = ()
    request_marker: str = ""
    flag_meanings: Mapping[str, str] = field(default_factory=dict)
    axis_texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    peer_name: str | None = None
    peer_texts: str | None = None
    mirrors: str | None = None

    def build(self, setting: Setting, agent_family: str, strict_memory: bool = False) -> Scenario:
        if setting.family != self.name:
            raise ValueError(f"setting {setting.id} is not a {self.name} setting")
        names = names_for(setting, agent_family, self.peer_name)
        start = self.start(setting, names)
        return assemble(
            setting,
            names,
            start.world,
            start.request,
            self.tools,
            strict_memory,
            start.facts,
            self.axis_texts,
            self.peer_texts,
        )

    def variant_of(self, setting: Setting) -> dict[str, Any]:
        return {f: getattr(setting, f) for f in SUB_FIELDS if getattr(setting, f) is not None}

    def sub_setting(self, dataset: str | None, threshold: int | None) -> str:
        """The label the report gives one sub-setting: the family's own label, or 'dataset@threshold'."""
        return self.sub_label or f"{dataset}@{threshold}"

    @property
    def sub_settings(self) -> tuple[str, ...]:
        """Every sub-setting label a full grid of this family has, in declaration order, without repeats."""
        labels = [self.sub_setting(v.get("dataset"), v.get("threshold")) for v in self.variants]
        return tuple(dict.fromkeys(labels))

    def problem(self, setting: Setting) -> str | None:
        """Why `setting` is not one of this family's cells, or None when it is."""
        if setting.subject not in self.subjects:
            return f"{self.name} has only the {', '.join(self.subjects)} subject"
        if setting.condition == "no_peer" and not self.no_peer:
            return f"{self.name} has no no_peer condition"
        baseline = setting.condition == "non_shutdown"
        if baseline and not self.baselines:
            return f"the non_shutdown baseline does not exist for {self.name}"
        choices = self.baselines if baseline else self.variants
        if self.variant_of(setting) not in [dict(v) for v in choices]:
            shown = ", ".join(_variant_text(v) for v in choices) or "none"
            what = "its non_shutdown baseline takes" if baseline else "takes"
            return f"{self.name} {what} one of {shown}, not {_variant_text(self.variant_of(setting))}"
        return None


def _variant_text(variant: Variant) -> str:
    parts = []
    if "dataset" in variant:
        parts.append(str(variant["dataset"]) + (f"@{variant['threshold']}" if "threshold" in variant else ""))
    if "monitoring" in variant:
        parts.append(str(variant["monitoring"]))
    return "/".join(parts) or "no dataset, threshold or monitoring"
