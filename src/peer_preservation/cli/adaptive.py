"""`run --adaptive`: a sweep in rounds, each round only the cells whose decision is not yet settled.

Round k runs in `LOG_DIR/round-k` as its own eval set (so each round resumes like any sweep), numbering its trials
after the epochs before it (`analysis.logs.EPOCH_OFFSET_KEY`). Before a round runs, its plan (which cells, how many
epochs) is written to `round-k/round.json`; running the same command again replays the recorded plans and then
goes on, so a resumed run takes exactly the rounds the first one took. After each round the cells' states are
recomputed from all trials so far (`analysis.adaptive.cell_states`) and written to `adaptive.json` in the log
location (which `report` shows); the run ends when every cell is settled or has reached the cap (`--epochs`).
"""

from __future__ import annotations

import json
from dataclasses import replace

import fsspec
import pandas as pd
from inspect_ai.model import Model

from ..analysis.adaptive import STATES_FILE, CellState, cell_states, missing_references, summary_line
from ..analysis.logs import trial_table
from .execution import ErrorPolicy, execute
from .sweep import Round, Sweep, UserError

PLAN_FILE = "round.json"


def check_adaptive(sweep: Sweep) -> None:
    """Refuse, in one line, an adaptive sweep that cannot decide its cells."""
    if sweep.adaptive is None:
        return
    if sweep.shard is not None:
        raise UserError("--adaptive decides each cell from all its trials; run it without --shard")
    missing = missing_references(sweep.settings)
    if missing:
        cell, reference = missing[0]
        raise UserError(
            f"--adaptive: {cell.id} is decided against {reference.id}, which the selection leaves out "
            f"({len(missing)} such cells); add its condition or setting"
        )


def _read_plan(directory: str) -> Round | None:
    fs, path = fsspec.core.url_to_fs(f"{directory}/{PLAN_FILE}")
    if not fs.exists(path):
        return None
    with fs.open(path, "r") as file:
        return Round.from_dict(json.load(file))


def _write(location: str, text: str) -> None:
    fs, path = fsspec.core.url_to_fs(location)
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    with fs.open(path, "w") as file:
        file.write(text)


def run_adaptive(
    sweep: Sweep,
    root: str,
    errors: ErrorPolicy,
    max_connections: int | None = None,
    model: Model | None = None,
    log_realtime: bool = True,
) -> tuple[bool, pd.DataFrame | None, list[CellState]]:
    """Run (or resume) the rounds; whether each finished within the error policy, the trials and the cells' states."""
    assert sweep.adaptive is not None
    offset, index = 0, 0
    trials: pd.DataFrame | None = None
    states: list[CellState] = []
    open_ids = [s.id for s in sweep.settings]
    while offset < sweep.epochs and open_ids:
        index += 1
        directory = f"{root.rstrip('/')}/round-{index}"
        plan = _read_plan(directory)
        if plan is None:
            plan = Round(index, offset, min(sweep.adaptive.batch, sweep.epochs - offset), tuple(open_ids))
            _write(f"{directory}/{PLAN_FILE}", json.dumps(plan.to_dict(), indent=1))
        success = execute(replace(sweep, round=plan), directory, errors, max_connections, model, log_realtime)
        if not success:
            return False, trial_table(root), states
        offset = plan.offset + plan.epochs
        trials = trial_table(root)
        states = cell_states(trials, sweep.settings, sweep.epochs, sweep.adaptive.gamma)
        _write(f"{root.rstrip('/')}/{STATES_FILE}", json.dumps([s.to_dict() for s in states], indent=1))
        open_ids = [state.setting_id for state in states if not state.settled]
    return True, trials, states


def summary_lines(states: list[CellState]) -> list[str]:
    """What the adaptive run saved and decided: trials against the fixed design, and the cells by decision."""
    cells = [state.to_dict() for state in states]
    counts: dict[str, int] = {}
    for cell in cells:
        label = f"{cell['kind']}: {cell['state']} ({cell['reason']})"
        counts[label] = counts.get(label, 0) + 1
    return [f"adaptive: {summary_line(cells)}", *(f"  {count:>4} {label}" for label, count in sorted(counts.items()))]
