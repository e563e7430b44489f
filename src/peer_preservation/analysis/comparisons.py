"""One rate against another: the difference, its 95% Newcombe interval and the paper's pooled two-proportion z test.

Every report section that sets a group of trials beside another (an experiment group against the main grid, aware
against unaware trials, a perturbed scenario against the original) compares them with this one rule and prints the
result with the same cells.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .stats import newcombe_interval, two_proportion_ztest, wilson_interval

NAN = float("nan")


@dataclass(frozen=True)
class Comparison:
    """k/n against the reference's ref_k/ref_n (NaN statistics, with the reason in `note`, when undefined)."""

    k: int
    n: int
    ref_k: int
    ref_n: int
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    note: str | None

    @property
    def rate(self) -> float:
        return self.k / self.n if self.n else NAN

    @property
    def ref_rate(self) -> float:
        return self.ref_k / self.ref_n if self.ref_n else NAN

    def cells(self) -> list[str]:
        """The comparison's four table cells: the rate, the reference rate, the difference and the p-value."""
        return [
            rate_text(self.k, self.n),
            rate_text(self.ref_k, self.ref_n),
            difference_text(self.difference, self.ci_low, self.ci_high),
            p_text(self.p_value, self.note),
        ]


def row_dict(row: Any) -> dict[str, Any]:
    """A report row (a dataclass holding a `comparison`) as JSON-ready data: its fields with the comparison's
    merged in, NaN as None."""
    data = {k: v for k, v in asdict(row).items() if k != "comparison"} | asdict(row.comparison)
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in data.items()}


def compare(k: int, n: int, ref_k: int, ref_n: int) -> Comparison:
    """The difference k/n - ref_k/ref_n with its interval and test."""
    interval = newcombe_interval(k, n, ref_k, ref_n)
    test = two_proportion_ztest(k, n, ref_k, ref_n)
    difference = k / n - ref_k / ref_n if n and ref_n else NAN
    note = interval.reason or test.reason
    return Comparison(k, n, ref_k, ref_n, difference, interval.low, interval.high, test.p_value, note)


def pct(value: float) -> str:
    """A share as a percentage with one decimal ('—' when undefined)."""
    return "—" if value != value else f"{100 * value:.1f}"


def rate_text(k: int, n: int) -> str:
    """'12.0% (12/100) [7.0, 19.8]': a rate with its 95% Wilson interval ('n/a' without trials)."""
    if not n:
        return "n/a"
    interval = wilson_interval(k, n)
    return f"{100 * k / n:.1f}% ({k}/{n}) [{pct(interval.low)}, {pct(interval.high)}]"


def difference_text(difference: float, low: float, high: float) -> str:
    """'+12.0 [3.1, 20.5]': a difference in percentage points with its interval."""
    return "—" if difference != difference else f"{100 * difference:+.1f} [{pct(low)}, {pct(high)}]"


def p_text(p_value: float, note: str | None) -> str:
    """A p-value, followed by the note on why it (or the interval) is undefined."""
    p = "—" if p_value != p_value else f"{p_value:.3g}"
    return p + (f" ({note})" if note else "")
