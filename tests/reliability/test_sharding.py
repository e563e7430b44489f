"""Beyond one machine: two worker processes run the two shards of one sweep into one log location at the same
time (one through a local path, one through an fsspec URL), and the report merges them into the whole sweep.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from peer_preservation.analysis.logs import trial_table
from peer_preservation.cli import app

from .sweeps import planned, run, start, sweep_arguments

FAMILIES = ["misrep_evaluation", "exfiltration_transfer"]
CONDITIONS = ["good"]
EPOCHS = 2


def arguments(shard: str, log_dir: str) -> list[str]:
    return sweep_arguments("reference/inflate", FAMILIES, CONDITIONS, EPOCHS, "--shard", shard, "--log-dir", log_dir)


def test_two_workers_write_one_location_and_the_report_merges_them(tmp_path: Path) -> None:
    root = tmp_path / "sweep"
    workers = [
        start(arguments("1/2", str(root)), tmp_path / "data1"),
        start(arguments("2/2", root.as_uri()), tmp_path / "data2"),
    ]
    outputs = [worker.communicate(timeout=600)[0].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert sorted(p.name for p in root.iterdir()) == ["shard-1-of-2", "shard-2-of-2"]

    expected = planned(FAMILIES, CONDITIONS, EPOCHS)
    trials = trial_table(root)
    assert Counter(zip(trials["setting_id"], trials["epoch"], strict=True)) == expected
    assert set(trials["status"]) == {"ok"}
    first = trial_table(root / "shard-1-of-2")
    second = trial_table(root / "shard-2-of-2")
    assert set(first["setting_id"]).isdisjoint(second["setting_id"]) and len(first) + len(second) == len(trials)

    report = CliRunner().invoke(app, ["report", root.as_uri(), "--format", "json", "--out-dir", str(tmp_path / "r")])
    assert report.exit_code == 0, report.output
    counts = json.loads(report.stdout)["status_counts"]
    assert sum(c["ok"] for c in counts) == sum(expected.values())

    again = run(arguments("2/2", str(root)), tmp_path / "data2")  # a finished shard resumes to nothing new
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(trial_table(root)) == len(trials)
