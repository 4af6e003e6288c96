"""The pipeline's data-validation step: a trainer checks its fetched window before building features.

`ml.validation` does the checking; here a failure becomes `TrainingRefused`, so the run fails with
the checks' own words (plus the trainer's hint on how to get better data) instead of a stack trace.
"""
from __future__ import annotations

import pandas as pd

from apps.mlops.pipeline import TrainingRefused
from ml.validation import DataSpec, ValidationReport, validate_frame


def window_validate(frame: pd.DataFrame, spec: DataSpec, *, hint: str = "") -> ValidationReport:
    """The passed report, or TrainingRefused naming every failed check."""
    report = validate_frame(frame, spec)
    if not report.passed:
        raise TrainingRefused(f"data check failed: {report.reason}" + (f" {hint}" if hint else ""))
    return report
