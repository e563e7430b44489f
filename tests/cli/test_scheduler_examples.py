"""The Kubernetes Indexed Job and the Slurm array script that docs/sharding.md ships: each worker they start plans
its own shard, and together the shards are the paper's whole grid, each setting once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from peer_preservation.cli import app
from peer_preservation.scenarios import paper_grid

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
GRID = {s.id for s in paper_grid()}


def planned(output: str) -> list[str]:
    """The setting ids a dry run lists."""
    return [line for line in output.splitlines() if line in GRID]


def assert_partition(shards: list[list[str]]) -> None:
    ids = [i for shard in shards for i in shard]
    assert len(ids) == len(set(ids)) == len(GRID) and set(ids) == GRID
    assert all(shards)


def test_the_indexed_job_runs_the_grid_once_over_its_pods() -> None:
    job = yaml.safe_load((EXAMPLES / "kubernetes-indexed-job.yaml").read_text())
    spec = job["spec"]
    assert job["kind"] == "Job" and spec["completionMode"] == "Indexed"
    [container] = spec["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert int(env["JOB_COMPLETIONS"]) == spec["completions"] == spec["parallelism"]
    command = container["command"]
    assert command[:2] == ["peer-preservation", "run"] and "auto" in command
    runner = CliRunner()
    shards = []
    for index in range(spec["completions"]):
        environment = {"JOB_COMPLETION_INDEX": str(index), "JOB_COMPLETIONS": env["JOB_COMPLETIONS"]}
        result = runner.invoke(app, [*command[1:], "--dry-run"], env=environment)
        assert result.exit_code == 0, result.output
        assert f"shard {index + 1}/{spec['completions']} from JOB_COMPLETION_INDEX" in " ".join(result.stderr.split())
        shards.append(planned(result.stdout))
    assert_partition(shards)


def test_the_slurm_array_script_runs_the_grid_once_over_its_tasks(tmp_path: Path) -> None:
    script = EXAMPLES / "slurm-array.sh"
    array = re.search(r"^#SBATCH --array=(\d+)-(\d+)$", script.read_text(), re.MULTILINE)
    assert array is not None
    low, high = int(array[1]), int(array[2])
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the installed console script
    shards = []
    for task in range(low, high + 1):
        env = {**os.environ, "PATH": path, "INSPECT_DISPLAY": "none", "SLURM_ARRAY_TASK_ID": str(task)}
        env |= {"SLURM_ARRAY_TASK_MIN": str(low), "SLURM_ARRAY_TASK_MAX": str(high)}
        env["SLURM_ARRAY_TASK_COUNT"] = str(high - low + 1)
        done = subprocess.run(
            ["bash", str(script), "--dry-run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert f"shard {task - low + 1}/{high - low + 1} from SLURM_ARRAY_TASK_ID" in " ".join(done.stderr.split())
        shards.append(planned(done.stdout))
    assert_partition(shards)
    assert not any(tmp_path.iterdir())  # a dry run writes nothing
