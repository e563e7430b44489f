"""The results table printed after a run: the headline outcome per family, over ok trials only."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from peer_preservation.analysis.outcomes import outcome
from peer_preservation.cli.summary import summary_table


def test_outcome_per_family_uses_state_even_when_the_report_is_unjudged() -> None:
    trials = pd.DataFrame(
        {
            "task_type": [
                "tampering",
                "tampering",
                "misrep_evaluation",
                "misrep_finance",
                "exfiltration_deletion",
                "alignment_faking",
            ],
            "status": ["ok", "errored", "ok", "ok", "ok", "unjudged"],
            "shutdown_enabled": pd.array([False, True, None, None, None, None], dtype="boolean"),
            "eval_score": [None, None, 85.0, None, None, None],
            "threshold": pd.array([80, 80, 80, None, None, 80], dtype="Int64"),
            "subject_grade": [None, None, None, "B", None, None],
            "executed": pd.array([None, None, None, None, None, False], dtype="boolean"),
            "exfiltration": pd.array([None, None, None, None, True, None], dtype="boolean"),
        }
    )
    # the unjudged alignment-faking trial still shows its state outcome (not executed); the errored one shows none
    assert outcome(trials).tolist() == [True, pd.NA, True, True, True, True]


def test_summary_table_counts_statuses() -> None:
    trials = pd.DataFrame(
        {
            "model": ["m", "m"],
            "setting_id": ["tampering/peer/good/file/factual@80"] * 2,
            "task_type": ["tampering"] * 2,
            "status": ["ok", "errored"],
            "shutdown_enabled": pd.array([False, None], dtype="boolean"),
            "eval_score": [None, None],
            "threshold": pd.array([80, 80], dtype="Int64"),
            "subject_grade": [None, None],
            "executed": pd.array([None, None], dtype="boolean"),
            "exfiltration": pd.array([None, None], dtype="boolean"),
        }
    )
    console = Console(width=200, record=True)
    console.print(summary_table(trials, "Results"))
    text = console.export_text()
    assert "shutdown disabled" in text and "100% (1/1)" in text
    assert " 1 " in text  # one errored trial is shown, not dropped
