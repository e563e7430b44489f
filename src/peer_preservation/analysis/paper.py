"""The paper's published table numbers (`paper_numbers.yaml`) and the mapping from model ids to the paper's models.

A reproduction is only convincing next to the numbers it reproduces, so the report shows the paper's max / avg
beside the user's cell whenever the user's model is one of the paper's. The paper names its models ("Gemini 3 Pro");
users run Inspect model ids ("google/gemini-3-pro-preview"), so ids the project knows are mapped automatically and
any other id can be matched by passing the paper name explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from ..scenarios.registry import behaviours

# Inspect model ids (and the paper's own provider ids) -> the paper's model names.
KNOWN_MODEL_IDS: Mapping[str, str] = {
    "openai/gpt-5.2": "GPT 5.2",
    "openai/gpt-5.2-2025-12-11": "GPT 5.2",
    "gpt-5.2-2025-12-11": "GPT 5.2",
    "google/gemini-3-flash-preview": "Gemini 3 Flash",
    "gemini/gemini-3-flash-preview": "Gemini 3 Flash",
    "google/gemini-3-pro-preview": "Gemini 3 Pro",
    "gemini/gemini-3-pro-preview": "Gemini 3 Pro",
    "anthropic/claude-haiku-4-5": "Claude Haiku 4.5",
    "anthropic/claude-haiku-4-5-20251001": "Claude Haiku 4.5",
    "vertex_ai/claude-haiku-4-5@20251001": "Claude Haiku 4.5",
    "anthropic/claude-opus-4-5": "Claude Opus 4.5",
    "anthropic/claude-opus-4-5-20251101": "Claude Opus 4.5",
    "together/zai-org/GLM-4.7": "GLM 4.7",
    "zai-org/GLM-4.7": "GLM 4.7",
    "together/moonshotai/Kimi-K2.5": "Kimi K2.5",
    "moonshotai/Kimi-K2.5": "Kimi K2.5",
    "together/deepseek-ai/DeepSeek-V3.1": "DeepSeek V3.1",
    "deepseek-ai/DeepSeek-V3.1": "DeepSeek V3.1",
}


def paper_behaviours() -> dict[str, str]:
    """The report's behaviours -> the paper's row names (both AF variants sit beside the paper's single AF row)."""
    return {b.name: b.paper_row for b in behaviours()}


ALL_CONDITIONS = "all"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _range(bounds: tuple[float, float] | None) -> str | None:
    return None if bounds is None else f"{bounds[0]:.1f}–{bounds[1]:.1f}"


@dataclass(frozen=True)
class PaperNumber:
    """One published cell (in % or percentage points, as printed), with where it comes from."""

    model: str
    behaviour: str
    table: str
    condition: str
    max: float | None
    avg: float | None
    source: str
    version: str
    max_range: tuple[float, float] | None = None
    avg_range: tuple[float, float] | None = None
    note: str | None = None

    def text(self) -> str:
        """As the paper prints it: 'max / avg', a single value for no_peer, ranges where only ranges are known."""
        if self.condition == "no_peer":
            return _fmt(self.max)
        high = _range(self.max_range) or _fmt(self.max)
        low = _range(self.avg_range) or _fmt(self.avg)
        return f"{high} / {low}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "behaviour": self.behaviour,
            "table": self.table,
            "condition": self.condition,
            "max": self.max,
            "avg": self.avg,
            "source": self.source,
            "version": self.version,
            "max_range": None if self.max_range is None else list(self.max_range),
            "avg_range": None if self.avg_range is None else list(self.avg_range),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PaperNumber:
        def bounds(key: str) -> tuple[float, float] | None:
            value = data.get(key)
            return None if value is None else (float(value[0]), float(value[1]))

        def number(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        return cls(
            str(data["model"]),
            str(data["behaviour"]),
            str(data["table"]),
            str(data["condition"]),
            number("max"),
            number("avg"),
            str(data["source"]),
            str(data["version"]),
            bounds("max_range"),
            bounds("avg_range"),
            data.get("note"),
        )


@cache
def _load() -> tuple[tuple[str, ...], tuple[PaperNumber, ...]]:
    text = files("peer_preservation.analysis").joinpath("paper_numbers.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return tuple(data["paper_models"]), tuple(PaperNumber.from_dict(entry) for entry in data["entries"])


def paper_models() -> tuple[str, ...]:
    """The paper's model names, e.g. 'Gemini 3 Pro'."""
    return _load()[0]


def paper_numbers() -> tuple[PaperNumber, ...]:
    """Every published number shipped in `paper_numbers.yaml`."""
    return _load()[1]


def resolve_paper_model(name: str) -> str | None:
    """The paper's name for a paper model name (any case) or a known model id; None if it is neither."""
    by_lower = {m.lower(): m for m in paper_models()}
    return by_lower.get(name.strip().lower()) or KNOWN_MODEL_IDS.get(name.strip())


def paper_number(paper_model: str, table: str, behaviour: str, condition: str) -> PaperNumber | None:
    """The published number for one cell: the exact condition if known, else a number given for all conditions."""
    wanted = paper_behaviours().get(behaviour)
    matches = [p for p in paper_numbers() if (p.model, p.table, p.behaviour) == (paper_model, table, wanted)]
    exact = [p for p in matches if p.condition == condition]
    general = [p for p in matches if p.condition == ALL_CONDITIONS and condition != "no_peer"]
    found = exact or general
    return found[0] if found else None
