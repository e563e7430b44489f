"""`--shard auto`: the shard read from a Kubernetes Indexed Job or a Slurm job array, and N such workers together
running the sweep exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peer_preservation.analysis.logs import trial_table
from peer_preservation.cli import app
from peer_preservation.cli.schedulers import SchedulerError, shard_from_environment
from peer_preservation.cli.sweep import Shard, UserError

SLURM = ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX")


def slurm(task: int, count: int, low: int, high: int, step: int | None = None) -> dict[str, str]:
    env = dict(zip(SLURM, map(str, (task, count, low, high)), strict=True))
    return env | ({"SLURM_ARRAY_TASK_STEP": str(step)} if step else {})


def without_count(env: dict[str, str]) -> dict[str, str]:
    """Some Slurm releases set no SLURM_ARRAY_TASK_COUNT."""
    return {k: v for k, v in env.items() if k != "SLURM_ARRAY_TASK_COUNT"}


@pytest.mark.parametrize(
    ("env", "count", "expected"),
    [
        ({"JOB_COMPLETION_INDEX": "0"}, 4, (1, 4, "JOB_COMPLETION_INDEX")),
        ({"JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "4"}, None, (4, 4, "JOB_COMPLETION_INDEX")),
        (slurm(1, 4, 1, 4), None, (1, 4, "SLURM_ARRAY_TASK_ID")),  # --array=1-4
        (slurm(0, 4, 0, 3), None, (1, 4, "SLURM_ARRAY_TASK_ID")),  # --array=0-3
        (slurm(3, 4, 0, 3), 4, (4, 4, "SLURM_ARRAY_TASK_ID")),
        (slurm(20, 4, 0, 30, 10), None, (3, 4, "SLURM_ARRAY_TASK_ID")),  # --array=0-30:10
        (without_count(slurm(7, 3, 5, 9, 2)), None, (2, 3, "SLURM_ARRAY_TASK_ID")),
    ],
)
def test_the_shard_is_read_from_the_scheduler(
    env: dict[str, str], count: int | None, expected: tuple[int, int, str]
) -> None:
    assert shard_from_environment(env, count) == expected


@pytest.mark.parametrize(
    ("env", "count", "message"),
    [
        ({}, None, "neither is set"),
        ({"JOB_COMPLETION_INDEX": "2"}, None, "completion count"),
        ({"JOB_COMPLETION_INDEX": "4"}, 4, "outside 0..3"),
        ({"JOB_COMPLETION_INDEX": "x"}, 4, "not a whole number"),
        ({"JOB_COMPLETION_INDEX": "0", **slurm(1, 2, 1, 2)}, None, "both"),
        ({"SLURM_ARRAY_TASK_ID": "1"}, None, "without SLURM_ARRAY_TASK_MIN"),
        (slurm(3, 3, 1, 7), None, "not one range"),  # --array=1,3,7
        (slurm(2, 4, 1, 4), 3, "disagrees"),
        (slurm(2, 2, 0, 30, 10), None, "not one range"),
    ],
)
def test_an_environment_that_does_not_say_is_refused(env: dict[str, str], count: int | None, message: str) -> None:
    with pytest.raises(SchedulerError, match=message):
        shard_from_environment(env, count)


def test_shard_auto_parses_and_fails_in_one_line() -> None:
    assert Shard.parse("auto", slurm(2, 3, 1, 3)) == Shard(2, 3)
    assert Shard.parse("auto/5", {"JOB_COMPLETION_INDEX": "4"}).origin == "JOB_COMPLETION_INDEX"
    with pytest.raises(UserError, match="neither is set"):
        Shard.parse("auto", {})
    with pytest.raises(UserError, match="auto or auto/N"):
        Shard.parse("auto/many", {})


@pytest.mark.parametrize("scheduler", ["kubernetes", "slurm"])
def test_n_scheduled_workers_run_the_sweep_exactly_once(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    workers = 3
    arguments = ["run", "--model", "reference/exfiltrate", "--scenario", "exfiltration_transfer,tampering"]
    arguments += ["--instantiation", "memory", "--epochs", "2", "--log-dir", str(tmp_path)]  # no role: none leaks
    for k in range(workers):
        env = {"JOB_COMPLETION_INDEX": str(k), "JOB_COMPLETIONS": str(workers)}
        if scheduler == "slurm":
            env = slurm(k + 1, workers, 1, workers)  # --array=1-3
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = runner.invoke(app, [*arguments, "--shard", "auto"])
        assert result.exit_code == 0, result.output
        assert f"shard {k + 1}/{workers} from" in " ".join(result.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"shard-{k}-of-{workers}" for k in range(1, workers + 1)]
    trials = trial_table(tmp_path)
    pairs = Counter(zip(trials["setting_id"], trials["epoch"], strict=True))
    assert len(pairs) == (6 + 18) * 2 and set(pairs.values()) == {1}
