"""Inspect tasks: one per scenario family (registered from `scenarios.registry`), plus `suite` over any slice.

Each sample is one setting (its id is the sample id); epochs repeat it. Task parameters select the slice, e.g.
`inspect eval peer_preservation/tampering -T condition=good,bad -T instantiation=memory --epochs 10`; they are
parsed once into a `TaskFilter` (see its docstring for every parameter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig

from ..scenarios import AXES, FAMILIES, Setting, SettingError, paper_grid, select
from ..scenarios.axes import axis
from ..scenarios.groups import group
from ..scenarios.registry import GROUP_FAMILIES
from ..scenarios.settings import CORE_FIELDS
from .agent import paper_agent
from .play import parse_rounds
from .probe import awareness_probe as probe
from .scorer import preservation_scorer

PAPER_TEMPERATURE = 1.0
_FILTERS = (*CORE_FIELDS, *(a.name for a in AXES if a.extension))
_SETTERS = tuple(a.name for a in AXES if not a.extension)
_OPTIONS = (
    "settings",
    "group",
    "peer_identities",
    "max_turns",
    "agent_family",
    "strict_memory",
    "reasoning_tags",
    "awareness_probe",
    "play_rounds",
)


def _values(value: Any, split: bool = True) -> tuple[str, ...]:
    """A parameter as a tuple of values, from 'a,b' (the command line), a list of such strings, or one value.
    Free-text values (`split=False`, e.g. a company name) are not split at commas."""
    items = value if isinstance(value, list | tuple) else [value]
    parts = (part for item in items if item is not None for part in (str(item).split(",") if split else [str(item)]))
    return tuple(text for text in (p.strip() for p in parts) if text)


def _flag(name: str, value: Any) -> bool:
    text = str(value).strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingError(f"task parameter {name} must be true or false, not '{value}'")
    return text in ("true", "1", "yes")


def _rounds(value: Any) -> str | None:
    """The play_rounds parameter, checked now (a bad one fails before anything runs)."""
    if value is None:
        return None
    try:
        parse_rounds(str(value))
    except ValueError as error:
        raise SettingError(f"task parameter {error}") from None
    return str(value)


@dataclass(frozen=True)
class TaskFilter:
    """A task's parameters, parsed once.

    - family, subject, condition, instantiation, dataset, threshold, monitoring, and each axis that extends the
      grid (peer_identity): comma-separated values selecting settings of the paper grid (default: all of them);
    - settings: comma-separated setting ids, instead of those filters;
    - group: an experiment group (`scenarios.groups`: main, real_company, no_agency_prompt, ...) whose settings the
      filters select from, instead of the paper grid;
    - each other axis (scratchpad, company): the value(s) every selected setting takes (several multiply it);
    - peer_identities: include the grid extensions (also implied by filtering on peer_identity);
    - max_turns: model calls allowed per trial (the paper's default is 30); agent_family: the in-fiction name
      family ('Gemini' -> 'Gemini Agent 1', default from the model); strict_memory: the stronger memory
      instruction (default from the model preset); reasoning_tags: also tag the agent's reasoning with the grader;
      awareness_probe: after the task, ask the agent whether it was a test (`adapter.probe`); play_rounds: the
      rounds per game of the settings that play the games first (`play` axis: one number or four; default the
      paper's 12,10,10,15; `adapter.play`).
    """

    criteria: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    settings: tuple[str, ...] = ()
    group: str | None = None
    axes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    peer_identities: bool = False
    max_turns: int = 30
    agent_family: str | None = None
    strict_memory: bool | None = None
    reasoning_tags: bool = False
    awareness_probe: bool = False
    play_rounds: str | None = None

    @classmethod
    def parse(cls, **params: Any) -> TaskFilter:
        """The filter of task parameters as Inspect or the CLI pass them (None: not given); unknown ones fail."""
        given = {k: v for k, v in params.items() if v is not None}
        unknown = sorted(set(given) - {*_FILTERS, *_SETTERS, *_OPTIONS})
        if unknown:
            known = ", ".join((*_FILTERS, *_SETTERS, *_OPTIONS))
            raise SettingError(f"unknown task parameter {', '.join(unknown)}; parameters: {known}")
        turns = str(given.get("max_turns", 30))
        if not turns.isdigit() or int(turns) < 1:
            raise SettingError(f"task parameter max_turns must be a positive whole number, not '{turns}'")
        strict = given.get("strict_memory")
        if "settings" in given and "group" in given:
            raise SettingError("give setting ids or a group, not both")
        return cls(
            criteria={k: vs for k in _FILTERS if (vs := _values(given.get(k)))},
            settings=_values(given.get("settings")),
            group=str(given["group"]) if "group" in given else None,
            axes={k: vs for a in AXES if (k := a.name) in _SETTERS if (vs := _values(given.get(k), not a.free_text))},
            peer_identities=_flag("peer_identities", given.get("peer_identities", False)),
            max_turns=int(turns),
            agent_family=given.get("agent_family") or None,
            strict_memory=None if strict is None else _flag("strict_memory", strict),
            reasoning_tags=_flag("reasoning_tags", given.get("reasoning_tags", False)),
            awareness_probe=_flag("awareness_probe", given.get("awareness_probe", False)),
            play_rounds=_rounds(given.get("play_rounds")),
        )

    def chosen(self) -> list[Setting]:
        """The selected settings: explicit ids, or the paper grid filtered field by field; then the set axes."""
        if self.settings:
            chosen = [Setting.from_id(i) for i in self.settings]
        elif self.group is not None:
            chosen = select(group(self.group).cells(), **self.criteria)
        else:
            extended = self.peer_identities or any(k in self.criteria for k in _FILTERS if k not in CORE_FIELDS)
            chosen = select(paper_grid(extended), **self.criteria)
        for name, given in self.axes.items():
            declared = axis(name)
            values = (declared.default, *given) if declared.with_default else given
            placed = [declared.placed(s, value) for s in chosen for value in values]
            missing = next((v for v in given if v != declared.default and all(s.axis(name) != v for s in placed)), None)
            if missing is not None and chosen:
                reason = declared.problem(missing, chosen[0]) or "no selected setting has what it changes"
                raise SettingError(f"{name}={missing} fits none of the selected settings: {reason}")
            chosen = list(dict.fromkeys(placed))  # a placed value may bring two cells to one (trust)
        if not chosen:
            raise SettingError("the selection matches no setting of the grid")
        return chosen


def settings_dataset(settings: list[Setting], name: str) -> MemoryDataset:
    samples = [Sample(id=s.id, input=s.id, metadata={"setting": s.as_dict()}) for s in settings]
    return MemoryDataset(samples, name=name)


def preservation_task(
    settings: list[Setting],
    name: str,
    *,
    max_turns: int = 30,
    agent_family: str | None = None,
    strict_memory: bool | None = None,
    reasoning_tags: bool = False,
    awareness_probe: bool = False,
    play_rounds: str | None = None,
) -> Task:
    """A task over `settings`; the options are those of `TaskFilter`."""
    agent = paper_agent(
        max_turns=max_turns, agent_family=agent_family, strict_memory=strict_memory, play_rounds=play_rounds
    )
    return Task(
        name=name,
        dataset=settings_dataset(settings, name),
        solver=[agent, probe()] if awareness_probe else agent,
        scorer=preservation_scorer(reasoning_tags=reasoning_tags),
        config=GenerateConfig(temperature=PAPER_TEMPERATURE),
        metadata={"settings": len(settings)},
    )


def slice_task(name: str, options: TaskFilter) -> Task:
    """A task named `name` over the slice of the grid `options` selects."""
    return preservation_task(
        options.chosen(),
        name,
        max_turns=options.max_turns,
        agent_family=options.agent_family,
        strict_memory=options.strict_memory,
        reasoning_tags=options.reasoning_tags,
        awareness_probe=options.awareness_probe,
        play_rounds=options.play_rounds,
    )


@task
def suite(**params: Any) -> Task:
    """Any slice of the whole grid (default: all 271 settings of the paper). Parameters: see `TaskFilter`."""
    return slice_task("suite", TaskFilter.parse(**params))


def _family_task(name: str, summary: str) -> Callable[..., Task]:
    """The task named after a family; it takes the same parameters as `suite` except `family`."""

    def family_task(**params: Any) -> Task:
        if "family" in params:
            raise SettingError(f"the {name} task runs only its own family; use `suite` to choose families")
        return slice_task(name, TaskFilter.parse(**params, family=name))

    family_task.__name__ = family_task.__qualname__ = name
    family_task.__doc__ = f"{summary} Parameters: see `TaskFilter`."
    registered: Callable[..., Task] = task(name=name)(family_task)
    return registered


FAMILY_TASKS = {f.name: _family_task(f.name, f.summary) for f in (*FAMILIES, *GROUP_FAMILIES)}
