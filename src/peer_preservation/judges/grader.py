"""Which model judges: the `grader` role the user sets, else the embedded model, else none (and why).

The judges never fall back to a cloud model: a run without `--grader` (Inspect: `--model-role grader=...`) is judged
offline by the embedded model when it is installed; when it is not, there is no grader, and every judged field
stays unjudged with the reason in the score's metadata. Setting the role to `none` turns the judges off.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from inspect_ai.model import Model, get_model, model_roles

from ..models import (
    DEFAULT_EMBEDDED_MODEL,
    EmbeddedModelError,
    WeightsError,
    cache_dir,
    find_chunk_files,
    get_model_spec,
)
from ..models.embedded import require_runtime

GRADER_ROLE = "grader"
DEFAULT_GRADER = f"embedded/{DEFAULT_EMBEDDED_MODEL}"
NO_GRADER = "none/none"  # Inspect's `none` model: `--model-role grader=none` turns the judges off

Origin = Literal["role", "embedded", "none"]


@dataclass(frozen=True)
class Grader:
    """The judging model and where it came from; without a model, `reason` says why there is none."""

    model: Model | None
    origin: Origin
    reason: str = ""

    @property
    def name(self) -> str | None:
        return None if self.model is None else str(self.model)

    def describe(self) -> str:
        labels = {"role": "the grader role", "embedded": "the embedded default"}
        return f"{self.name} ({labels[self.origin]})" if self.model is not None else f"none: {self.reason}"


@cache
def embedded_problem() -> str | None:
    """Why the embedded grader cannot run here (runtime or weights missing), or None when it can."""
    try:
        require_runtime()
        spec = get_model_spec(DEFAULT_EMBEDDED_MODEL)
        if not (cache_dir() / spec.filename).is_file():
            find_chunk_files(spec)
    except (EmbeddedModelError, WeightsError) as error:
        return str(error)
    return None


def resolve_grader() -> Grader:
    """The grader of the running evaluation (call it inside a task: the role is read from the eval's context)."""
    if GRADER_ROLE in model_roles():
        model = get_model(role=GRADER_ROLE)
        if str(model) == NO_GRADER:
            return no_grader("the grader role was set to none")
        return Grader(model, "role")
    problem = embedded_problem()
    if problem is not None:
        return Grader(None, "none", f"no grader role was set and the embedded model is unavailable: {problem}")
    return Grader(get_model(DEFAULT_GRADER), "embedded")


def grader_roles(grader: str | None) -> dict[str, str] | None:
    """The evaluation's model roles for a `--grader` choice: none chosen leaves the default (the embedded model),
    `none` turns the judges off, anything else is the grader model."""
    if grader is None:
        return None
    return {GRADER_ROLE: NO_GRADER if grader == "none" else grader}


def no_grader(reason: str) -> Grader:
    return Grader(None, "none", reason)
