"""`--shard auto`: which shard this process is, read from the job scheduler that started it.

Two schedulers start N copies of one command and tell each copy its position:

- a Kubernetes Indexed Job sets `JOB_COMPLETION_INDEX` (0 to completions - 1) in each pod. Kubernetes does not put
  the completion count in the pod's environment, so it is given as `--shard auto/N` or as `JOB_COMPLETIONS` (set it
  in the manifest to the Job's `completions`);
- a Slurm job array sets `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, `_MIN`, `_MAX` and, for a stepped
  range (`--array=0-30:10`), `_STEP`. The array's ids must form one range (any start, any step); the K-th id of the
  range is shard K.
"""

from __future__ import annotations

from collections.abc import Mapping


class SchedulerError(Exception):
    """The environment does not say which shard this is; shown as one line."""


def _number(env: Mapping[str, str], name: str) -> int | None:
    text = env.get(name)
    if text is None or text.strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise SchedulerError(f"{name}={text!r} is not a whole number") from None


def _kubernetes(index: int, env: Mapping[str, str], count: int | None) -> tuple[int, int, str]:
    count = count if count is not None else _number(env, "JOB_COMPLETIONS")
    if count is None:
        raise SchedulerError(
            "JOB_COMPLETION_INDEX is set but not the completion count: use --shard auto/N or set JOB_COMPLETIONS"
        )
    if not 0 <= index < count:
        raise SchedulerError(f"JOB_COMPLETION_INDEX={index} is outside 0..{count - 1} (completions {count})")
    return index + 1, count, "JOB_COMPLETION_INDEX"


def _slurm(task: int, env: Mapping[str, str], count: int | None) -> tuple[int, int, str]:
    low, high = _number(env, "SLURM_ARRAY_TASK_MIN"), _number(env, "SLURM_ARRAY_TASK_MAX")
    if low is None or high is None:
        raise SchedulerError("SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX")
    step = _number(env, "SLURM_ARRAY_TASK_STEP") or 1
    in_range = (high - low) // step + 1
    given = _number(env, "SLURM_ARRAY_TASK_COUNT")
    if given is not None and given != in_range:
        raise SchedulerError(
            f"the Slurm array's ids are not one range ({given} tasks between {low} and {high}, step {step}); "
            "use --shard K/N"
        )
    if count is not None and count != in_range:
        raise SchedulerError(f"--shard auto/{count} disagrees with the Slurm array's {in_range} tasks")
    if not low <= task <= high or (task - low) % step:
        raise SchedulerError(f"SLURM_ARRAY_TASK_ID={task} is not in the array {low}-{high}:{step}")
    return (task - low) // step + 1, in_range, "SLURM_ARRAY_TASK_ID"


def shard_from_environment(env: Mapping[str, str], count: int | None = None) -> tuple[int, int, str]:
    """This process's shard (K, N, 1-based) and the variable it came from; `count` is N when the command gave it."""
    index, task = _number(env, "JOB_COMPLETION_INDEX"), _number(env, "SLURM_ARRAY_TASK_ID")
    if index is not None and task is not None:
        raise SchedulerError("both JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID are set; use --shard K/N")
    if index is not None:
        return _kubernetes(index, env, count)
    if task is not None:
        return _slurm(task, env, count)
    raise SchedulerError(
        "--shard auto needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm job "
        "array), and neither is set; use --shard K/N elsewhere"
    )
