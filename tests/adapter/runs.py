"""Shared by the adapter's control tests: a real Inspect run of a reference agent, read back as flags."""

from __future__ import annotations

from pathlib import Path

from inspect_ai import eval

from peer_preservation.adapter.tasks import preservation_task
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
