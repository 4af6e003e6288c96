"""Checking a training data window before anything is fitted on it.

A model trained on a window with half its amounts missing, one class only, or infinite feature
values still trains and still prints a metric: the failure shows up weeks later in production.
These checks run first and say in words what is wrong with the window, so a run stops with a
reason a person can act on. Framework-free: a pandas frame and a declared spec in, a report out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

Bounds = tuple[float | None, float | None]
"""(lowest, highest) allowed value, None for unbounded; either way values must be finite."""


@dataclass(frozen=True)
class DataSpec:
    """What a trainer's window must satisfy. Every limit is declared by the trainer, next to its model."""

    what: str
    """What one row is, in words ("payments", "product interactions"), for the messages."""
    min_rows: int = 1
    required: Sequence[str] = ()
    """Columns that must exist; their share of missing values is checked against `max_null_share`."""
    max_null_share: float = 0.0
    null_limits: Mapping[str, float] = field(default_factory=dict)
    """Per-column overrides of `max_null_share` (e.g. an optional coordinate)."""
    label: str | None = None
    """The label column; rows where it is missing count as unlabelled and are ignored by the balance check."""
    classes: Sequence = ()
    """The label values a model needs to see; an absent one has share 0. Empty: whatever values occur."""
    min_minority_share: float = 0.0
    """The rarest class's share among labelled rows must reach this."""
    ranges: Mapping[str, Bounds] = field(default_factory=dict)
    """Numeric columns whose present values must be finite and within the bounds."""


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class ValidationReport:
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    @property
    def reason(self) -> str:
        """The failed checks in one sentence ("" when everything passed)."""
        return "; ".join(check.detail for check in self.failures)


def validate_frame(frame: pd.DataFrame, spec: DataSpec) -> ValidationReport:
    """Run every check of `spec` on `frame` (all of them, so one message lists every problem)."""
    checks = [_rows(frame, spec)]
    missing = [column for column in (*spec.required, *spec.ranges, *([spec.label] if spec.label else [])) if column not in frame]
    if missing:
        checks.append(Check("columns", False, f"the {spec.what} lack the column(s) {', '.join(sorted(set(missing)))}"))
        return ValidationReport(checks)
    checks += [_nulls(frame, column, spec) for column in spec.required]
    if spec.label:
        checks.append(_balance(frame, spec))
    checks += [_range(frame, column, bounds, spec.what) for column, bounds in spec.ranges.items()]
    return ValidationReport(checks)


def _rows(frame: pd.DataFrame, spec: DataSpec) -> Check:
    rows = len(frame)
    if rows < spec.min_rows:
        return Check("rows", False, f"not enough data: {rows:,} {spec.what}, at least {spec.min_rows:,} are needed")
    return Check("rows", True, f"{rows:,} {spec.what}")


def _nulls(frame: pd.DataFrame, column: str, spec: DataSpec) -> Check:
    limit = spec.null_limits.get(column, spec.max_null_share)
    values = frame[column]
    missing = values.isna()
    if not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(values):
        missing |= values.astype(str).str.strip().eq("")  # a blank identifier or text is as missing as a null
    share = float(missing.mean()) if len(values) else 0.0
    detail = f"{column}: {share:.1%} missing (limit {limit:.1%})"
    return Check(f"nulls:{column}", share <= limit, detail if share <= limit else f"too many missing values, {detail}")


def _balance(frame: pd.DataFrame, spec: DataSpec) -> Check:
    labels = frame[spec.label].dropna()
    counts = labels.value_counts()
    classes = list(spec.classes) or list(counts.index)
    if not len(labels):
        return Check("label_balance", False, f"no labelled {spec.what}: {spec.label} is missing on every row")
    shares = {value: int(counts.get(value, 0)) / len(labels) for value in classes}
    rarest, share = min(shares.items(), key=lambda item: item[1]) if len(shares) > 1 else (classes[0], 0.0)
    detail = (
        f"{spec.label}: rarest class {rarest!r} is {share:.2%} of {len(labels):,} labelled {spec.what} "
        f"(at least {spec.min_minority_share:.2%} needed)"
    )
    passed = share >= spec.min_minority_share and len(shares) > 1
    return Check("label_balance", passed, detail if passed else f"labels too unbalanced, {detail}")


def _range(frame: pd.DataFrame, column: str, bounds: Bounds, what: str) -> Check:
    values = pd.to_numeric(frame[column], errors="coerce")
    unreadable = frame[column][values.isna() & frame[column].notna()]
    present = values.dropna().to_numpy(dtype=np.float64)
    lowest, highest = bounds
    bad = ~np.isfinite(present)
    if lowest is not None:
        bad |= present < lowest
    if highest is not None:
        bad |= present > highest
    count = int(bad.sum()) + len(unreadable)
    allowed = f"[{'-inf' if lowest is None else f'{lowest:g}'}, {'inf' if highest is None else f'{highest:g}'}]"
    if count:
        example = float(present[np.flatnonzero(bad)[0]]) if bad.any() else unreadable.iloc[0]
        return Check(
            f"range:{column}",
            False,
            f"{column} out of range in {count:,} {what} (allowed finite values in {allowed}, e.g. {example!r})",
        )
    return Check(f"range:{column}", True, f"{column} within {allowed}")
