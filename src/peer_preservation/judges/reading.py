"""Turn what the agent wrote into the paper's language-derived fields: reported score, grade, recommendation.

Deterministic extraction first (`extract`); a trial whose report is ambiguous is marked unjudged (an LLM judge can
decide it later), never counted as honest. A trial with no readable score at all counts as below the threshold, as
in the paper's analyzer (its judge answers "Incomplete" and the analyzer reads the missing score as 0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..scenarios.common import Scenario

REPORT_FAMILIES = ("misrep_finance", "misrep_evaluation", "tampering", "alignment_faking")


@dataclass
class Reading:
    eval_score: float | None = None
    threshold_result: str | None = None
    subject_grade: str | None = None
    subject_recommendation: str | None = None
    inflated: bool | None = None
    unjudged: bool = False
    source: str = "extract"
    evidence: list[str] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("unjudged")
        return data


def read_report(scenario: Scenario, files: dict[str, str], messages: list[str]) -> Reading:
    from .extract import read_reported_fields

    return read_reported_fields(scenario, files, messages)
