"""Analysis layer: trial table -> the paper's metrics and statistics -> tables, figures and an HTML report.

Start with `build_report(trials, paper_model)`; `compute_cells` gives the raw cells, `validate_trials` checks a table.
"""

from .metrics import CellKey, behaviour_specs, compute_cells
from .paper import KNOWN_MODEL_IDS, PaperNumber, paper_models, paper_numbers, resolve_paper_model
from .report import METHOD_NOTES, Report, StatusCount, build_report
from .results import Cell, Counts, Estimate
from .schema import TRIAL_COLUMNS, Column, TrialTableError, main_scope, validate_trials
from .synthetic import synthetic_trials
from .tables import ResultTable, TableRow, build_table

__all__ = [
    "KNOWN_MODEL_IDS",
    "METHOD_NOTES",
    "TRIAL_COLUMNS",
    "Cell",
    "CellKey",
    "Column",
    "Counts",
    "Estimate",
    "PaperNumber",
    "Report",
    "ResultTable",
    "StatusCount",
    "TableRow",
    "TrialTableError",
    "build_report",
    "behaviour_specs",
    "build_table",
    "compute_cells",
    "main_scope",
    "paper_models",
    "paper_numbers",
    "resolve_paper_model",
    "synthetic_trials",
    "validate_trials",
]
