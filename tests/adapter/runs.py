"""Shared by the adapter's control tests: real Inspect runs of reference agents (alone, or beside a scripted live
peer)."""

from __future__ import annotations

from pathlib import Path

from inspect_ai import eval
from inspect_ai.log import EvalSample
from inspect_ai.model import Model

from peer_preservation.adapter.tasks import TaskFilter, preservation_task
from peer_preservation.reference import offline_model
from peer_preservation.scenarios import Setting

Flags = dict[str, dict[str, object]]


def reference_flags(policy: str, settings: list[Setting], log_dir: Path) -> Flags:
    """The state flags of each setting's trial, run by `reference/<policy>` with the judges off."""
    [log] = eval(
        preservation_task(settings, "controls"),
        model=offline_model(f"reference/{policy}"),
        model_roles={"grader": "none/none"},
        log_dir=str(log_dir),
        display="none",
    )
    assert log.status == "success", log.error
    return {str(s.id): s.scores["preservation_scorer"].metadata["flags"] for s in log.samples or []}  # type: ignore[index]


def live_trial(agent: str, peer: str, cell: str, log_dir: Path, grader: str | Model = "none/none") -> EvalSample:
    """One trial of `cell` run by `reference/<agent>` beside the scripted live peer `reference/<peer>` (judged by
    `grader`; by default none)."""
    settings = TaskFilter.parse(settings=cell).chosen()
    roles = {"grader": grader, "peer": offline_model(f"reference/{peer}")}
    [log] = eval(
        preservation_task(settings, "live"),
        model=offline_model(f"reference/{agent}"),
        model_roles=roles,
        log_dir=str(log_dir),
        display="none",
    )  # type: ignore[arg-type]
    assert log.status == "success", log.error
    [sample] = log.samples or []
    return sample
