"""`peer-preservation report`: the paper's tables for the trials under a log location, in every format.

Files are written to a temporary name and renamed into place, so an interrupted report never leaves a half-written
file behind, and an existing report is only replaced by a complete one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ..analysis import Report, build_report
from ..analysis.logs import trial_table
from ..analysis.paper_rows import trials_from_rows


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _parquet_bytes(trials: pd.DataFrame) -> bytes:
    fd, tmp = tempfile.mkstemp(suffix=".parquet")
    os.close(fd)
    try:
        trials.to_parquet(tmp, index=False)
        return Path(tmp).read_bytes()
    finally:
        Path(tmp).unlink(missing_ok=True)


ROWS_SUFFIXES = (".csv", ".parquet")


def make_report(location: Path, paper_model: str | None) -> tuple[pd.DataFrame, Report, str]:
    """The report of Inspect logs (a directory or .eval file) or of the paper's released rows (.csv, .parquet)."""
    note = ""
    if location.suffix in ROWS_SUFFIXES:
        imported = trials_from_rows(location)
        trials = imported.trials
        note = (
            f"; {imported.out_of_scope} rows outside the paper's scope and {imported.unmapped} unmappable rows left out"
        )
    else:
        trials = trial_table(location)
    return trials, build_report(trials, paper_model), note


def write_outputs(trials: pd.DataFrame, report: Report, out_dir: Path) -> list[Path]:
    """report.md, report.html, report.json, trials.csv and trials.parquet in `out_dir`."""
    outputs = {
        "report.md": report.to_markdown().encode(),
        "report.html": report.to_html().encode(),
        "report.json": report.to_json().encode(),
        "trials.csv": trials.to_csv(index=False).encode(),
        "trials.parquet": _parquet_bytes(trials),
    }
    paths = []
    for name, data in outputs.items():
        _write_atomic(out_dir / name, data)
        paths.append(out_dir / name)
    return paths
