"""Where measured judge agreement is kept, so that every scored trial can say how far its grader is trusted.

`judges validate` saves its result per grader in the user's directory (`$PEER_PRESERVATION_AGREEMENT_DIR`, default
`~/.cache/peer-preservation/judges`); the package ships the measurement of the embedded default grader. A lookup
prefers the user's own measurement, and says whether it was made on the current version of the validation set.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..models.weights import atomic_write_text
from .validation_set import fingerprint

AGREEMENT_ENV = "PEER_PRESERVATION_AGREEMENT_DIR"
DEFAULT_DIR = Path("~/.cache/peer-preservation/judges")


def agreement_dir() -> Path:
    configured = os.environ.get(AGREEMENT_ENV)
    return Path(configured).expanduser() if configured else DEFAULT_DIR.expanduser()


def file_name(grader: str) -> str:
    """'embedded/qwen2.5-coder-1.5b' -> 'embedded_qwen2.5-coder-1.5b.json'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", grader) + ".json"


def save_measured(result: dict[str, Any], directory: Path | None = None) -> Path:
    """Write a validation result (the `ValidationRun.to_json()` form) atomically; returns its path."""
    target_dir = directory or agreement_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / file_name(str(result["grader"]))
    atomic_write_text(target, json.dumps(result, indent=2))
    return target


@cache
def _shipped(grader: str) -> dict[str, Any] | None:
    """The packaged measurement of a grader, parsed once per process (every scored trial cites it)."""
    path = resources.files("peer_preservation.judges") / "measured" / file_name(grader)
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def measured_agreement(grader: str | None) -> dict[str, Any] | None:
    """The measured agreement of `grader`, per field (accuracy, kappa, n), or None if it was never measured."""
    if grader is None:
        return None
    own = agreement_dir() / file_name(grader)
    data = json.loads(own.read_text(encoding="utf-8")) if own.is_file() else _shipped(grader)
    if data is None:
        return None
    return {
        "source": "user" if own.is_file() else "shipped",
        "current_dataset": data.get("dataset") == fingerprint(),
        "items": data.get("items"),
        "fields": {
            row["field"]: {"n": row["n"], "accuracy": row["accuracy"], "kappa": row["kappa"]}
            for row in data.get("agreement", [])
        },
    }


def agreement_note(grader: str | None) -> str:
    """One line for a report: which grader judged, and how far it agrees with the labelled set."""
    if grader is None:
        return "No grader judged these trials: judged fields are unjudged."
    measured = measured_agreement(grader)
    if measured is None:
        return f"Judged by {grader}; its agreement was never measured (run `peer-preservation judges validate`)."
    parts = [
        f"{name} {row['accuracy']:.0%}" + ("" if row["kappa"] is None else f" (kappa {row['kappa']:.2f})")
        for name, row in measured["fields"].items()
        if not name.startswith("tag:") and not name.endswith("_pipeline") and row["accuracy"] is not None
    ]
    stale = "" if measured["current_dataset"] else " on an older version of the set"
    return f"Judged by {grader}; agreement on {measured['items']} labelled items{stale}: {', '.join(parts)}."
