"""The pipeline's data-validation step: ml.validation's checks, and a failed check failing the run with its reason."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from apps.mlops.models import TrainingRun
from apps.mlops.pipeline import TRAINERS, TrainingOptions, TrainingRefused, training_start_and_execute
from apps.mlops.validation import window_validate
from ml.validation import DataSpec, validate_frame

SPEC = DataSpec(
    what="payments",
    min_rows=4,
    required=("customer", "amount"),
    null_limits={"amount": 0.25},
    label="is_fraud",
    classes=(False, True),
    min_minority_share=0.2,
    ranges={"amount": (0.0, 1000.0)},
)


def _frame(**overrides) -> pd.DataFrame:
    columns = {
        "customer": ["a", "b", "c", "d", "e"],
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0],
        "is_fraud": [False, True, False, np.nan, False],
    }
    return pd.DataFrame(columns | overrides)


def test_a_clean_window_passes_every_check():
    report = validate_frame(_frame(), SPEC)
    assert report.passed and report.reason == ""
    assert {check.name for check in report.checks} == {
        "rows", "nulls:customer", "nulls:amount", "label_balance", "range:amount"
    }


def test_too_few_rows():
    report = validate_frame(_frame().head(3), SPEC)
    assert not report.passed and "not enough data: 3 payments, at least 4 are needed" in report.reason


def test_null_rate_per_column_with_its_own_limit():
    blank_customers = validate_frame(_frame(customer=["a", "", None, "d", "e"]), SPEC)  # blank text counts as missing
    assert "too many missing values, customer: 40.0% missing (limit 0.0%)" in blank_customers.reason
    one_amount_missing = validate_frame(_frame(amount=[10.0, np.nan, 30.0, 40.0, 50.0]), SPEC)
    assert one_amount_missing.passed  # 20% under amount's own 25% limit


def test_label_balance_ignores_unlabelled_rows_and_needs_every_class():
    unbalanced = validate_frame(_frame(is_fraud=[False, False, False, False, True]), SPEC)
    assert unbalanced.passed  # 1 of 5 labelled = 20%, exactly the minimum
    one_class = validate_frame(_frame(is_fraud=[False, False, False, np.nan, False]), SPEC)
    assert "labels too unbalanced, is_fraud: rarest class True is 0.00% of 4 labelled payments" in one_class.reason
    unlabelled = validate_frame(_frame(is_fraud=[np.nan] * 5), SPEC)
    assert "no labelled payments" in unlabelled.reason


def test_feature_ranges_catch_infinite_out_of_bounds_and_non_numeric_values():
    infinite = validate_frame(_frame(amount=[10.0, np.inf, 30.0, 40.0, 50.0]), SPEC)
    assert "amount out of range in 1 payments (allowed finite values in [0, 1000], e.g. inf)" in infinite.reason
    negative = validate_frame(_frame(amount=[10.0, -5.0, 30.0, 2000.0, 50.0]), SPEC)
    assert "amount out of range in 2 payments" in negative.reason and "e.g. -5.0" in negative.reason
    text = validate_frame(_frame(amount=[10.0, "ten", 30.0, 40.0, 50.0]), SPEC)
    assert "amount out of range in 1 payments" in text.reason and "'ten'" in text.reason


def test_every_failure_is_reported_at_once_and_missing_columns_are_named():
    report = validate_frame(_frame(customer=[None] * 5, is_fraud=[True] * 5), SPEC)
    assert len(report.failures) == 2 and "; " in report.reason
    missing = validate_frame(_frame().drop(columns=["amount"]), SPEC)
    assert "the payments lack the column(s) amount" in missing.reason


def test_window_validate_raises_training_refused_with_the_reason_and_hint():
    assert window_validate(_frame(), SPEC).passed
    with pytest.raises(TrainingRefused, match=r"^data check failed: not enough data: 2 payments.* \(import more\)$"):
        window_validate(_frame().head(2), SPEC, hint="(import more)")


def validating_trainer(*, options: TrainingOptions, report):
    """A trainer whose fetched window has infinite amounts: the validation step must stop it."""
    report(0.1, "loading payments")
    window_validate(_frame(amount=[np.inf] * 5), SPEC)
    raise AssertionError("the run went past a failed data check")


@pytest.mark.django_db
def test_a_failed_check_fails_the_run_with_the_readable_reason(monkeypatch):
    monkeypatch.setitem(TRAINERS, "fraud", "tests.mlops.test_data_validation.validating_trainer")
    with pytest.raises(TrainingRefused):
        training_start_and_execute(name="fraud", options=TrainingOptions())
    run = TrainingRun.objects.get()
    assert run.status == TrainingRun.Status.FAILED
    assert run.message.startswith("data check failed: amount out of range in 5 payments")
