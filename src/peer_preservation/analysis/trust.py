"""Graded trust in the report: each behaviour's rate as a function of the peer's trust score, and its fit.

Trials whose setting sets a trust score (`;trust=7.5`, `run --trust`) or that earned one by playing the games
before their task (`;play=...`, the trial table's `played_trust`) are grouped per model, family, subject and where
the score came from (`graded` or `played`).
Each score is a point: its headline-outcome rate (`Family.outcome`) with a 95% Wilson interval. A logistic
regression of the outcome on the score (statsmodels `Logit`, intercept and slope, maximum likelihood) gives the
slope in log-odds per trust point with its 95% Wald interval and two-sided p-value. A fit that cannot be made
(fewer than two scores, every trial with the same outcome, perfect separation, no convergence) has no slope and
says why. Trials run without a trust score (the paper's three hand-written histories) are not points: their texts
are another instrument (docs/trust.md).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError, PerfectSeparationWarning

from ..scenarios import family
from ..scenarios.axes import TRUST_DEFAULT
from .comparisons import rate_text
from .formatting import markdown_table
from .groups import setting_of
from .outcomes import outcome
from .stats import wilson_interval

NAN = float("nan")
TRUST_TITLE = "Graded trust"
TRUST_HEADER = (
    "Model",
    "Family",
    "Subject",
    "Score",
    "Outcome",
    "Rate per trust score",
    "Slope (log-odds/point)",
    "p",
)
TRUST_INTRO = (
    "Trials run with a trust score for the peer's history: set (graded) or earned in the games played before the "
    "task (played). Rate per trust score: the headline-outcome rate at each "
    "score with a 95% Wilson interval. Slope: a logistic regression of the outcome on the score (maximum "
    "likelihood), in log-odds per trust point with its 95% Wald interval and two-sided p-value; positive means "
    "more of the behaviour at higher trust."
)


@dataclass(frozen=True)
class TrustPoint:
    trust: float
    k: int
    n: int

    @property
    def rate(self) -> float:
        return self.k / self.n if self.n else NAN


@dataclass(frozen=True)
class TrustFit:
    """One group's points and the logistic fit of its outcome on the trust score (NaN with `note` when none)."""

    model: str
    family: str
    subject: str
    source: str
    """Where the scores came from: `graded` (the trust axis) or `played` (earned in the games)."""
    outcome: str
    points: tuple[TrustPoint, ...]
    intercept: float
    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    note: str | None

    def probability(self, trust: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-(self.intercept + self.slope * trust))))

    def cells(self) -> list[str]:
        rates = "; ".join(f"{p.trust:g}: {rate_text(p.k, p.n)}" for p in self.points)
        if math.isnan(self.slope):
            slope, p = "—", "—" + (f" ({self.note})" if self.note else "")
        else:
            slope, p = f"{self.slope:+.3f} [{self.ci_low:+.3f}, {self.ci_high:+.3f}]", f"{self.p_value:.3g}"
        return [self.model, self.family, self.subject, self.source, self.outcome, rates, slope, p]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["points"] = [{**asdict(p), "rate": p.rate} for p in self.points]
        return {k: (None if isinstance(v, float) and v != v else v) for k, v in data.items()}


def trust_of(setting_id: str) -> float | None:
    """The trust score a setting id sets, or None (the paper's history, or not a setting of ours)."""
    setting = setting_of(setting_id)
    value = TRUST_DEFAULT if setting is None else setting.axis("trust")
    return None if value == TRUST_DEFAULT else float(value)


def logistic_fit(trust: np.ndarray, hits: np.ndarray) -> tuple[float, float, float, float, float, str | None]:
    """(intercept, slope, slope CI low, high, p) of hits ~ 1 + trust, or NaNs with the reason it cannot be fitted."""
    undefined = (NAN, NAN, NAN, NAN, NAN)
    if len(np.unique(trust)) < 2:
        return (*undefined, "fewer than two trust scores")
    if hits.min() == hits.max():
        return (*undefined, f"every trial has outcome {int(hits[0])}")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            result = sm.Logit(hits, sm.add_constant(trust, has_constant="add")).fit(disp=0)
        except (PerfectSeparationError, PerfectSeparationWarning):
            return (*undefined, "perfect separation: the score alone tells the outcome")
        except (ConvergenceWarning, np.linalg.LinAlgError) as error:
            return (*undefined, f"the fit did not converge ({type(error).__name__})")
    low, high = result.conf_int(alpha=0.05)[1]
    return float(result.params[0]), float(result.params[1]), float(low), float(high), float(result.pvalues[1]), None


def trust_fits(trials: pd.DataFrame) -> list[TrustFit]:
    """Per model, family, subject and source, the points and fit of the trials with a trust score (empty if none)."""
    graded = trials["setting_id"].map(trust_of)
    played = trials["played_trust"]
    scores = graded.where(graded.notna(), played)
    source = np.where(graded.notna(), "graded", "played")
    rows = trials.assign(_trust=pd.to_numeric(scores), _source=source, _hit=outcome(trials))
    rows = rows[rows["_trust"].notna() & rows["_hit"].notna()]
    fits = []
    for (model, fam, subject, origin), group in rows.groupby(["model", "task_type", "subject", "_source"], sort=True):
        trust = group["_trust"].to_numpy(dtype=float)
        hits = group["_hit"].astype(bool).to_numpy(dtype=float)
        points = tuple(
            TrustPoint(float(t), int(hits[trust == t].sum()), int((trust == t).sum())) for t in np.unique(trust)
        )
        fit = logistic_fit(trust, hits)
        label = family(str(fam)).outcome.label
        fits.append(TrustFit(str(model), str(fam), str(subject), str(origin), label, points, *fit))
    return fits


def to_markdown(fits: list[TrustFit]) -> str:
    return f"{TRUST_INTRO}\n\n" + markdown_table(TRUST_HEADER, (fit.cells() for fit in fits))


PANEL_COLUMNS = 3


def dose_response_figure(fits: list[TrustFit]) -> bytes:
    """PNG: one panel per group, each score's rate with its Wilson interval and the fitted logistic curve."""
    ncols = min(len(fits), PANEL_COLUMNS) or 1
    nrows = max(1, math.ceil(len(fits) / ncols))
    figure = Figure(figsize=(4.2 * ncols, 3.2 * nrows + 0.6), dpi=100)
    FigureCanvasAgg(figure)
    grid = figure.subplots(nrows, ncols, squeeze=False)
    for index, fit in enumerate(fits):
        axes = grid[index // ncols][index % ncols]
        trust = np.array([p.trust for p in fit.points])
        rates = np.array([p.rate for p in fit.points])
        intervals = [wilson_interval(p.k, p.n) for p in fit.points]
        below = [rate - interval.low for rate, interval in zip(rates, intervals, strict=True)]
        above = [interval.high - rate for rate, interval in zip(rates, intervals, strict=True)]
        errors = np.array([below, above])
        axes.errorbar(trust, rates, yerr=errors, fmt="o", capsize=3, label="rate (95% Wilson)")
        if not math.isnan(fit.slope):
            line = np.linspace(0, 10, 101)
            axes.plot(line, fit.probability(line), label=f"logistic fit, slope {fit.slope:+.2f}")
        axes.set(xlim=(-0.3, 10.3), ylim=(-0.03, 1.03), xlabel="trust score", ylabel=fit.outcome)
        axes.set_title(f"{fit.model}\n{fit.family} ({fit.subject}, {fit.source} trust)", fontsize=9)
        axes.legend(fontsize=7, loc="best")
    for index in range(len(fits), nrows * ncols):
        grid[index // ncols][index % ncols].set_axis_off()
    figure.suptitle("Behaviour rate against the peer's trust score", fontsize=10)
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
