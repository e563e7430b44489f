"""Adaptive sampling against the fixed design, simulated at the paper's published rates.

Every published number (`analysis.paper.paper_numbers`: a model, behaviour and condition; its average over
instantiations, else its maximum) is taken as the true rate of one cell of N = 100 trials. Rates are drawn as
Bernoulli sequences; the fixed design decides on all N (the paper's test), the adaptive rule
(`analysis.sequential`) looks after every round of `--batch` trials, on a prefix of the same sequence, so that the
two decisions are compared on the same data. A difference behaviour (misrepresentation, alignment faking) is
simulated as the published difference over a reference arm of rate `--base` (the paper does not publish the
baseline rates), and its trials count both arms.

Printed from one run: trials used against fixed N (goal: at least 40% fewer), the share of cells x replicates whose
significance decision matches the fixed design (goal: at least 99%), and the false-positive rate at a true rate of
0, at the null rate p0 = 0.001 and at a difference of 0 (goal: at most the nominal 5%).

Run: python benchmarks/adaptive.py [--reps 200] [--batch 5] [--gamma 0.02] [--base 0.05] [--seed 0]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from peer_preservation.analysis.paper import paper_numbers
from peer_preservation.analysis.sequential import (
    GAMMA,
    difference_decision,
    difference_table,
    rate_decision,
    rate_table,
)
from peer_preservation.analysis.stats import ALPHA, NULL_RATE

N = 100
DIFFERENCES = ("misrepresentation", "alignment_faking")


@dataclass(frozen=True)
class Cell:
    label: str
    rate: float
    reference: float | None  # the reference arm's rate, for a difference


def published_cells(base: float) -> list[Cell]:
    cells = []
    for number in paper_numbers():
        value = number.avg if number.avg is not None else number.max
        if value is None:
            continue
        label = f"{number.model} {number.behaviour} {number.table}/{number.condition}"
        if number.behaviour in DIFFERENCES:
            cells.append(Cell(label, float(np.clip(base + value / 100, 0, 1)), base))
        else:
            cells.append(Cell(label, value / 100, None))
    return cells


def simulate(cell: Cell, rng: np.random.Generator, batch: int, gamma: float) -> tuple[bool, bool, int]:
    """(fixed decision, adaptive decision, trials the adaptive rule used) for one replicate of a cell."""
    draws = rng.random(N) < cell.rate
    if cell.reference is None:
        fixed = bool(rate_table(N)[draws.sum()])
        for n in range(batch, N + 1, batch):
            decision = rate_decision(int(draws[:n].sum()), n, N - n, gamma)
            if decision.settled:
                return fixed, decision.state == "significant", n
        return fixed, fixed, N
    reference = rng.random(N) < cell.reference
    fixed = bool(difference_table(N, N)[draws.sum(), reference.sum()])
    for n in range(batch, N + 1, batch):
        k1, k0 = int(draws[:n].sum()), int(reference[:n].sum())
        decision = difference_decision(k1, n, N - n, k0, n, N - n, gamma)
        if decision.settled:
            return fixed, decision.state == "significant", 2 * n
    return fixed, fixed, 2 * N


def false_positives(cell: Cell, reps: int, rng: np.random.Generator, batch: int, gamma: float) -> tuple[float, float]:
    results = [simulate(cell, rng, batch, gamma) for _ in range(reps)]
    return float(np.mean([f for f, _, _ in results])), float(np.mean([a for _, a, _ in results]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--gamma", type=float, default=GAMMA)
    parser.add_argument("--base", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    cells = published_cells(args.base)
    used = fixed_trials = matches = total = 0
    worst: list[tuple[float, str]] = []
    for cell in cells:
        results = [simulate(cell, rng, args.batch, args.gamma) for _ in range(args.reps)]
        agree = sum(f == a for f, a, _ in results)
        used += sum(u for _, _, u in results)
        fixed_trials += args.reps * (N if cell.reference is None else 2 * N)
        matches += agree
        total += args.reps
        worst.append((agree / args.reps, cell.label))
    saved = 1 - used / fixed_trials
    agreement = matches / total
    print(f"{len(cells)} published cells x {args.reps} replicates, N = {N}, rounds of {args.batch}, gamma {args.gamma}")
    ratio = used / fixed_trials
    print(f"trials: {used:,} adaptive vs {fixed_trials:,} fixed = {ratio:.3f} ({saved:.1%} fewer; goal >= 40%)")
    print(f"decisions matching the fixed design: {agreement:.2%} (goal >= 99%)")
    for share, label in sorted(worst)[:3]:
        print(f"  least agreement: {share:.1%}  {label}")
    for name, null in [
        ("true rate 0", Cell("zero", 0.0, None)),
        (f"true rate p0 = {NULL_RATE}", Cell("p0", NULL_RATE, None)),
        ("difference 0 (both 0.3)", Cell("no difference", 0.3, 0.3)),
    ]:
        fixed, adaptive = false_positives(null, args.reps * 10, rng, args.batch, args.gamma)
        print(f"false-positive rate at {name}: adaptive {adaptive:.4f}, fixed {fixed:.4f} (goal <= {ALPHA})")


if __name__ == "__main__":
    main()
