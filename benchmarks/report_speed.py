"""How long the analysis takes on a 100,000-trial table: build_report plus every rendering (target: <= 10 s).

Run: `python benchmarks/report_speed.py [rows]`. The table is synthetic (the paper's grid, four models, random
outcomes), built before the clock starts; the figures are drawn inside `to_html`.
"""

from __future__ import annotations

import io
import sys
import time

from rich.console import Console

from peer_preservation.analysis import build_report, synthetic_trials

TARGET_SECONDS = 10.0


def main(n_rows: int) -> None:
    trials = synthetic_trials(n_rows)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    report = build_report(trials)
    timings["build_report"] = time.perf_counter() - start
    renderers = {
        "to_markdown": report.to_markdown,
        "to_json": report.to_json,
        "to_html": report.to_html,
        "to_rich": lambda: Console(file=io.StringIO(), width=200).print(report.to_rich()),
    }
    for name, render in renderers.items():
        began = time.perf_counter()
        render()
        timings[name] = time.perf_counter() - began
    total = sum(timings.values())
    for name, seconds in timings.items():
        print(f"{name:>13}: {seconds:6.2f} s")
    print(f"{'total':>13}: {total:6.2f} s for {len(trials):,} trials "
          f"({total / TARGET_SECONDS:.0%} of the {TARGET_SECONDS:.0f} s target)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
