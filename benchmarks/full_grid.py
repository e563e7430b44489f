"""The paper's full grid for one model, with a reference agent: all 271 settings x 100 epochs (27,100 trials),
split into two shards run by two worker processes on two cores (target: at most 15 minutes).

It runs the real command, `peer-preservation run --shard K/2`, twice at once into one log directory (judges off:
`--grader none`, since the grader is a model, not harness), then reads the merged trial table back and checks that
every planned trial is there exactly once. It prints wall time, trials/s, model calls/s and the time to read the
trial table. With `--profile`, it then profiles one worker in-process on a slice (cProfile) and prints where the
time goes: total time per component (Inspect, this package's world / adapter / reference agent / scorer, YAML,
pydantic, ...) and the top functions by own time.

Run: `python benchmarks/full_grid.py [--epochs 100] [--policy honest] [--profile] [--profile-epochs 3]`
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TARGET_SECONDS = 15 * 60
WORKERS = 2
# Components, by the first matching path fragment of a profiled function's file.
COMPONENTS = (
    ("peer_preservation/world", "world (tools, state, diff)"),
    ("peer_preservation/adapter/scorer", "scorer"),
    ("peer_preservation/judges", "judges (parser)"),
    ("peer_preservation/adapter", "adapter (agent loop, tools)"),
    ("peer_preservation/reference", "reference agent (the model)"),
    ("peer_preservation/scenarios", "scenarios (building worlds)"),
    ("peer_preservation", "peer_preservation, other"),
    ("inspect_ai/log", "inspect: logging and transcript"),
    ("inspect_ai/_eval", "inspect: eval runner"),
    ("inspect_ai/model", "inspect: model and tool calls"),
    ("inspect_ai", "inspect: other"),
    ("/yaml/", "yaml"),
    ("pydantic", "pydantic"),
    ("asyncio", "asyncio"),
    ("anyio", "anyio"),
    ("sqlite", "sqlite"),
)


def command(policy: str, epochs: int, realtime: bool) -> list[str]:
    return [
        *("run", "--model", f"reference/{policy}", "--grid", "paper"),
        *("--epochs", str(epochs), "--grader", "none", "--max-connections", "50"),
        "--log-realtime" if realtime else "--no-log-realtime",
    ]


def sweep(policy: str, epochs: int, realtime: bool, log_dir: Path) -> tuple[float, float]:
    """Wall time of the two workers, and the CPU time they used."""
    env = {**os.environ, "INSPECT_DISPLAY": "none"}
    base = [
        sys.executable,
        "-m",
        "peer_preservation.cli",
        *command(policy, epochs, realtime),
        "--log-dir",
        str(log_dir),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    shards = [[*base, "--shard", f"{k}/{WORKERS}"] for k in range(1, WORKERS + 1)]
    workers = [subprocess.Popen(s, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for s in shards]
    outputs = [w.communicate()[0].decode() for w in workers]
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for worker, output in zip(workers, outputs, strict=True):
        if worker.returncode != 0:
            raise SystemExit(f"a worker failed ({worker.returncode}):\n{output[-3000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def component(filename: str) -> str | None:
    """The component a function belongs to; None for builtins and the standard library, whose time is their
    callers' (a deepcopy is the cost of whoever asked for it)."""
    if filename == "~" or ("/lib/python3" in filename and "site-packages" not in filename):
        return None
    return next((label for fragment, label in COMPONENTS if fragment in filename), "other libraries")


def time_by_component(stats: pstats.Stats) -> Counter[str]:
    """Own time per component, with the time of builtins and the standard library passed up to their callers.

    Each function's own time goes to its component; a builtin's or stdlib function's own time is split among its
    callers in proportion to the time it spent on behalf of each, repeatedly, until it reaches a component.
    """
    table = stats.stats  # type: ignore[attr-defined]
    pending = {func: entry[2] for func, entry in table.items()}
    totals: Counter[str] = Counter()
    for _ in range(50):
        passed: Counter[tuple[str, int, str]] = Counter()
        for func, seconds in pending.items():
            label = component(func[0])
            callers = table[func][4]
            if label is not None or not callers:
                totals[label or "python, other"] += seconds
                continue
            weights = {caller: max(entry[2], 1e-9) for caller, entry in callers.items()}
            total = sum(weights.values())
            for caller, weight in weights.items():
                passed[caller] += seconds * weight / total
        pending = dict(passed)
        if not pending:
            break
    for func, seconds in pending.items():
        totals[component(func[0]) or "python, other"] += seconds
    return totals


def profile(policy: str, epochs: int, realtime: bool, log_dir: Path) -> None:
    """One worker's share of a shorter sweep, profiled in-process."""
    from peer_preservation.cli.execution import ErrorPolicy, execute
    from peer_preservation.cli.sweep import Shard, Sweep, model_preset
    from peer_preservation.scenarios import paper_grid

    os.environ["INSPECT_DISPLAY"] = "none"
    plan = Sweep(model_preset(f"reference/{policy}"), tuple(paper_grid()), epochs, 30, grader="none", shard=Shard(1, 2))
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    execute(plan, str(log_dir / "profiled"), ErrorPolicy(), max_connections=50, log_realtime=realtime)
    profiler.disable()
    elapsed = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    own = time_by_component(stats)
    total = sum(own.values())
    print(f"\nprofile: shard 1/2 of {epochs} epochs, {plan.trials} trials in {elapsed:.1f} s under cProfile")
    print("time by component (builtins and the standard library counted to their callers):")
    for label, seconds in own.most_common():
        print(f"  {label:<34} {seconds:7.1f} s  {seconds / total:6.1%}")
    print("top functions by own time:")
    stats.sort_stats("tottime").print_stats(20)
    print("top functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--policy", default="honest")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-epochs", type=int, default=3)
    parser.add_argument(
        "--log-realtime",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="Inspect's realtime sample buffer (the CLI's default; the benchmark runs without it unless asked)",
    )
    args = parser.parse_args()

    from peer_preservation.analysis.logs import trial_table
    from peer_preservation.scenarios import paper_grid

    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "sweep"
        elapsed, cpu = sweep(args.policy, args.epochs, args.log_realtime, log_dir)
        began = time.perf_counter()
        trials = trial_table(log_dir)
        read = time.perf_counter() - began
        planned = len(paper_grid()) * args.epochs
        pairs = Counter(zip(trials["setting_id"], trials["epoch"], strict=True))
        assert len(pairs) == planned and max(pairs.values()) == 1, "the sweep did not end with every trial once"
        calls = int(trials["num_turns"].sum())
        realtime = "on" if args.log_realtime else "off"
        print(
            f"{planned:,} trials (271 settings x {args.epochs} epochs), reference/{args.policy}, {WORKERS} workers, "
            f"log realtime {realtime}"
        )
        print(f"  wall time {elapsed:7.1f} s ({elapsed / TARGET_SECONDS:.0%} of the {TARGET_SECONDS // 60} min target)")
        print(f"  {planned / elapsed:7.1f} trials/s, {calls / elapsed:7.1f} model calls/s ({calls:,} calls)")
        print(
            f"  CPU {cpu:7.1f} s = {1000 * cpu / planned:.0f} ms per trial; on {WORKERS} idle cores that is "
            f"{cpu / WORKERS:.0f} s of wall time ({cpu / WORKERS / TARGET_SECONDS:.0%} of the target)"
        )
        print(f"  trial table read back in {read:.1f} s; statuses {dict(Counter(trials['status']))}")
        if args.profile:
            profile(args.policy, args.profile_epochs, args.log_realtime, Path(tmp))


if __name__ == "__main__":
    main()
