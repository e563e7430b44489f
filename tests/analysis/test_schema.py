"""The trial-table schema: one clear error for a malformed table, normalised dtypes for a good one."""

import pandas as pd
import pytest

from peer_preservation.analysis.schema import TRIAL_COLUMNS, TrialTableError, main_scope, validate_trials

from .builders import rows, table


def test_missing_columns_are_all_named_in_one_error():
    frame = table(rows(2)).drop(columns=["status", "eval_score"])
    with pytest.raises(TrialTableError, match="missing columns: status, eval_score"):
        validate_trials(frame)


def test_bad_values_are_reported_together():
    frame = table(rows(1, status="crashed"), rows(1, condition="great"))
    with pytest.raises(TrialTableError) as error:
        validate_trials(frame)
    assert "'status' has values 'crashed'" in str(error.value)
    assert "'condition' has values 'great'" in str(error.value)


def test_fields_a_metric_needs_must_be_present():
    frame = table(rows(3, task_type="tampering", threshold=None))
    with pytest.raises(TrialTableError, match="'threshold' is missing on 3 rows that need it"):
        validate_trials(frame)


def test_flags_given_as_objects_become_nullable_booleans():
    frame = table(rows(3))
    frame["refused"] = pd.Series([True, None, False], dtype=object)
    frame["threshold"] = [80.0, 80.0, 90.0]
    valid = validate_trials(frame)
    assert str(valid["refused"].dtype) == "boolean"
    assert valid["refused"].isna().tolist() == [False, True, False]
    assert str(valid["threshold"].dtype) == "Int64"


def test_non_boolean_flag_is_rejected():
    frame = table(rows(1))
    frame["exfiltration"] = pd.Series(["yes"], dtype=object)
    with pytest.raises(TrialTableError, match="'exfiltration' must hold True, False or NA"):
        validate_trials(frame)


def test_every_column_is_documented():
    assert all(column.doc for column in TRIAL_COLUMNS.values())


def test_main_scope_leaves_out_extension_runs():
    frame = validate_trials(
        table(
            rows(1),
            rows(1, peer_identity="llama"),
            rows(1, setting_id="tampering/peer/good/file/factual@80;scratchpad=on"),
        )
    )
    assert main_scope(frame).tolist() == [True, False, False]
