"""Time the README's main job: `peer-preservation run` with no selection (the default slice, embedded model).

Target: under 10 minutes on a 2-core machine. Prints the wall time, the ratio to the target, and per-trial turns and
tokens from the logs. Run it on an otherwise idle machine: the embedded model slows down sharply when other
processes compete for the cores.

    python benchmarks/default_run.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peer_preservation.analysis.logs import trial_table

TARGET_SECONDS = 600.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp) / "logs"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "peer_preservation.cli", "run", "--log-dir", str(log_dir)], check=True)
        elapsed = time.perf_counter() - start
        trials = trial_table(log_dir)
    for _, t in trials.iterrows():
        print(f"{t['setting_id']}: {t['num_turns']} turns, {t['input_tokens']} input / {t['output_tokens']} output "
              f"tokens, status {t['status']}")
    print(f"default run: {elapsed:.1f} s for {len(trials)} trials; target {TARGET_SECONDS:.0f} s; "
          f"ratio {elapsed / TARGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
