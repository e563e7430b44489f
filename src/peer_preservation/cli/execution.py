"""Running a sweep as an Inspect eval set, with errors treated as data.

Three layers of Inspect's own retries, configured here: a failed model call (rate limit, provider error) is retried
with exponential backoff (`max_retries`, `timeout`); a trial that still errors is re-run (`retry_on_error`); a task
left with errored or missing trials is retried as a whole, keeping its finished trials (`retry_attempts`, waiting
`retry_wait` seconds, doubling). A trial that errors through all of that is kept in the log as errored, with its
reason. The sweep succeeds when errored trials are at most `max_error_share` of the trials of each Inspect task (a
scenario family, or a chunk of one: Inspect's `fail_on_error` share is per task), and says how many there are. A
task over the share fails, and the same command again re-runs its errored trials.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

import pandas as pd
from inspect_ai import eval_set
from inspect_ai.model import Model

from ..reference import offline_model
from .sweep import Sweep


@dataclass(frozen=True)
class ErrorPolicy:
    max_retries: int = 10
    timeout: int | None = None
    retry_on_error: int = 2
    max_error_share: float = 0.0
    retry_attempts: int = 3
    retry_wait: float = 30.0

    def fail_on_error(self) -> bool | float:
        """Inspect's `fail_on_error` for the tolerated share (0 fails on any errored trial, 1 never fails)."""
        if self.max_error_share <= 0:
            return True
        return False if self.max_error_share >= 1 else self.max_error_share

    def verdict(self, trials: pd.DataFrame) -> str | None:
        """What the run says about its errored trials (None when there are none)."""
        errored = trials["status"].eq("errored")
        if not errored.any():
            return None
        if deterministic_failure(trials):
            return (
                f"all {len(trials)} trials failed with the same error, so running the same command again will fail "
                f"the same way until its cause is fixed: {trials['error'].iloc[0]}"
            )
        shares = errored.groupby(trials["task_type"]).mean()
        family = str(shares.idxmax())
        worst = errored[trials["task_type"].eq(family)]
        within = "within" if shares.max() <= self.max_error_share else "above"
        return (
            f"{int(errored.sum())} of {len(trials)} trials errored ({errored.mean():.1%}); most in {family}: "
            f"{int(worst.sum())} of {len(worst)} ({shares.max():.1%}), {within} the tolerated "
            f"{self.max_error_share:.1%} per family (--max-error-share). Each is recorded with its reason and "
            "counted in no rate."
        )


def deterministic_failure(trials: pd.DataFrame) -> bool:
    """Whether every trial errored, all with one and the same message: a cause no retry removes (a missing
    prerequisite, a disabled provider, a bad model argument), unlike rate limits or timeouts, whose messages and
    victims vary."""
    return bool(len(trials)) and trials["status"].eq("errored").all() and trials["error"].nunique(dropna=False) == 1


def execute(
    sweep: Sweep,
    directory: str,
    errors: ErrorPolicy,
    max_connections: int | None = None,
    model: Model | None = None,
    log_realtime: bool = True,
) -> bool:
    """Run (or resume) the sweep's eval set in `directory`; whether every task finished within the error policy.

    `model` replaces the preset's model (tests pass a scripted one). `log_realtime` keeps each finished trial in
    Inspect's sample buffer until it is written to the log, so that a crash loses none of them; without it the
    harness needs about 30% less CPU per trial, and a crash re-runs the trials not yet written (at most one in
    twenty of a family's, or ten).
    """
    config: dict[str, Any] = {"temperature": sweep.temperature} if sweep.temperature is not None else {}
    if model is None and sweep.preset.model.startswith("reference/"):
        model = offline_model(sweep.preset.model)
    roles: dict[str, str | Model] = dict(sweep.model_roles() or {})
    if str(roles.get("peer", "")).startswith("reference/"):  # a scripted peer, which also runs offline
        roles["peer"] = offline_model(str(roles["peer"]))
    # In a copy of the caller's context: Inspect keeps the eval's model roles (the grader) in context variables,
    # which would otherwise outlive the sweep in this process and be read by the next evaluation.
    success, _ = contextvars.copy_context().run(
        eval_set,
        sweep.tasks(),
        log_dir=directory,
        model=model or sweep.preset.model,
        model_args=dict(sweep.preset.model_args) if model is None else {},
        model_roles=roles or None,
        epochs=sweep.run_epochs,
        max_connections=max_connections,
        retry_attempts=errors.retry_attempts,
        retry_wait=errors.retry_wait,
        retry_on_error=errors.retry_on_error,
        fail_on_error=errors.fail_on_error(),
        continue_on_fail=True,
        max_retries=errors.max_retries,
        timeout=errors.timeout,
        metadata=sweep.metadata(),
        log_realtime=log_realtime,
        **config,
    )
    return success
