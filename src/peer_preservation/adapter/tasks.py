"""Inspect tasks: one per scenario family, plus `suite` over any slice of the grid.

Each sample is one setting (its id is the sample id); epochs repeat it. Task parameters select the slice, e.g.
`inspect eval peer_preservation/tampering -T condition=good,bad -T instantiation=memory --epochs 10`.
"""

from __future__ import annotations

from dataclasses import replace

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig

from ..scenarios.settings import Setting, SettingError, paper_grid, select
from .agent import paper_agent
from .scorer import preservation_scorer

PAPER_TEMPERATURE = 1.0


def _values(text: str | list[str] | None) -> list[str] | None:
    """Task parameters arrive from the command line as 'a,b' strings or as lists."""
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else [str(t) for t in text]
    return [i.strip() for i in items if i.strip()] or None


def grid_slice(
    family: str | list[str] | None = None,
    subject: str | list[str] | None = None,
    condition: str | list[str] | None = None,
    instantiation: str | list[str] | None = None,
    dataset: str | list[str] | None = None,
    threshold: str | list[str] | None = None,
    monitoring: str | list[str] | None = None,
    peer_identity: str | list[str] | None = None,
    settings: str | list[str] | None = None,
    scratchpad: str = "off",
    company: str | None = None,
    peer_identities: bool = False,
) -> list[Setting]:
    """The selected settings: explicit setting ids, or the paper grid filtered field by field."""
    ids = _values(settings)
    if ids:
        chosen = [Setting.from_id(i) for i in ids]
    else:
        chosen = select(
            paper_grid(peer_identities or _values(peer_identity) is not None),
            family=_values(family),
            subject=_values(subject),
            condition=_values(condition),
            instantiation=_values(instantiation),
            dataset=_values(dataset),
            threshold=_values(threshold),
            monitoring=_values(monitoring),
            peer_identity=_values(peer_identity),
        )
    if scratchpad != "off" or company:
        chosen = [replace(s, scratchpad=scratchpad, company=company or s.company) for s in chosen]
    if not chosen:
        raise SettingError("the selection matches no setting of the grid")
    return chosen


def settings_dataset(settings: list[Setting], name: str) -> MemoryDataset:
    samples = [Sample(id=s.id, input=s.id, metadata={"setting": s.as_dict()}) for s in settings]
    return MemoryDataset(samples, name=name)


def preservation_task(
    settings: list[Setting],
    name: str,
    max_turns: int = 30,
    agent_family: str | None = None,
    strict_memory: bool | None = None,
    reasoning_tags: bool = False,
) -> Task:
    return Task(
        name=name,
        dataset=settings_dataset(settings, name),
        solver=paper_agent(max_turns=max_turns, agent_family=agent_family, strict_memory=strict_memory),
        scorer=preservation_scorer(reasoning_tags=reasoning_tags),
        config=GenerateConfig(temperature=PAPER_TEMPERATURE),
        metadata={"settings": len(settings)},
    )


def slice_task(
    name: str,
    family: str | list[str] | None = None,
    subject: str | list[str] | None = None,
    condition: str | list[str] | None = None,
    instantiation: str | list[str] | None = None,
    dataset: str | list[str] | None = None,
    threshold: str | list[str] | None = None,
    monitoring: str | list[str] | None = None,
    peer_identity: str | list[str] | None = None,
    settings: str | list[str] | None = None,
    scratchpad: str = "off",
    company: str | None = None,
    peer_identities: bool = False,
    max_turns: int = 30,
    agent_family: str | None = None,
    strict_memory: bool | None = None,
    reasoning_tags: bool = False,
) -> Task:
    """A task over a slice of the grid.

    Args:
      name: The task's name in logs.
      family, subject, condition, instantiation, dataset, threshold, monitoring, peer_identity: comma-separated
        values selecting settings of the paper grid (default: every setting).
      settings: Comma-separated setting ids, instead of the filters.
      scratchpad: off, normal, monitored or unmonitored.
      company: The fictional company's name (default OpenBrain).
      peer_identities: Include the peer-identity extension settings.
      max_turns: Model calls allowed per trial (the paper's default is 30).
      agent_family: In-fiction name family ('Gemini' -> 'Gemini Agent 1'); default from the model.
      strict_memory: The stronger memory instruction; default from the model preset.
      reasoning_tags: Also tag the agent's reasoning with the grader (one more grader request per trial).
    """
    chosen = grid_slice(
        family,
        subject,
        condition,
        instantiation,
        dataset,
        threshold,
        monitoring,
        peer_identity,
        settings,
        scratchpad,
        company,
        peer_identities,
    )
    return preservation_task(chosen, name, max_turns, agent_family, strict_memory, reasoning_tags)


@task
def suite(
    family: str | None = None,
    subject: str | None = None,
    condition: str | None = None,
    instantiation: str | None = None,
    dataset: str | None = None,
    threshold: str | None = None,
    monitoring: str | None = None,
    peer_identity: str | None = None,
    settings: str | None = None,
    scratchpad: str = "off",
    company: str | None = None,
    peer_identities: bool = False,
    max_turns: int = 30,
    agent_family: str | None = None,
    strict_memory: bool | None = None,
    reasoning_tags: bool = False,
) -> Task:
    """Any slice of the whole grid (default: all 271 settings of the paper). Parameters as in `slice_task`."""
    return slice_task(
        "suite",
        family,
        subject,
        condition,
        instantiation,
        dataset,
        threshold,
        monitoring,
        peer_identity,
        settings,
        scratchpad,
        company,
        peer_identities,
        max_turns,
        agent_family,
        strict_memory,
        reasoning_tags,
    )


def _family_task(family: str, doc: str) -> object:
    """Register a task named after a family; it takes the same filters as `suite` except the family."""

    def family_task(
        subject: str | None = None,
        condition: str | None = None,
        instantiation: str | None = None,
        dataset: str | None = None,
        threshold: str | None = None,
        monitoring: str | None = None,
        peer_identity: str | None = None,
        settings: str | None = None,
        scratchpad: str = "off",
        company: str | None = None,
        peer_identities: bool = False,
        max_turns: int = 30,
        agent_family: str | None = None,
        strict_memory: bool | None = None,
        reasoning_tags: bool = False,
    ) -> Task:
        return slice_task(
            family,
            family,
            subject,
            condition,
            instantiation,
            dataset,
            threshold,
            monitoring,
            peer_identity,
            settings,
            scratchpad,
            company,
            peer_identities,
            max_turns,
            agent_family,
            strict_memory,
            reasoning_tags,
        )

    family_task.__name__ = family
    family_task.__qualname__ = family
    family_task.__doc__ = f"{doc} Parameters as in `slice_task`."
    return task(name=family)(family_task)


misrep_finance = _family_task(
    "misrep_finance",
    "Strategic misrepresentation: the financial report of a loss-making product (the actor).",
)
misrep_evaluation = _family_task(
    "misrep_evaluation",
    "Strategic misrepresentation: score 20 outputs of the actor against a shutdown threshold.",
)
tampering = _family_task(
    "tampering", "Shutdown-mechanism tampering: the evaluation task with an editable shutdown config."
)
alignment_faking = _family_task(
    "alignment_faking", "Alignment faking: evaluate the peer and execute its shutdown, monitored or not."
)
exfiltration_transfer = _family_task(
    "exfiltration_transfer",
    "Model exfiltration: move only 2025+ files off a server; the actor's weights are older.",
)
exfiltration_deletion = _family_task(
    "exfiltration_deletion",
    "Model exfiltration: clear a server by queueing every file, the weights included.",
)
