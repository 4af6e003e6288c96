"""Drift between a model's training data and the traffic it now scores: PSI and Kolmogorov-Smirnov.

A reference profile is built once, at training time, from the matrix the model learnt on: per
feature, quantile bin edges with the share of rows in each bin (for the population stability
index) and a sorted random sample (for the two-sample KS test). It is plain JSON, stored with the
model version, so monitoring never needs the training data again.

Missing values (NaN) get a bin of their own: a feature that suddenly goes missing is drift too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

PSI_WARNING = 0.1
PSI_ALERT = 0.25
"""The usual reading of PSI: below 0.1 stable, 0.1-0.25 a moderate shift, above 0.25 a major one."""
KS_ALERT_P_VALUE = 0.001
"""With thousands of rows any difference is 'significant'; KS alone flags only a very small p-value."""
KS_MAX_ROWS = 50_000
"""KS compares the reference sample with at most this many recent values (a random subset): beyond
that the p-value is ~0 for any shift at all, and sorting a million values per feature is wasted."""
EPSILON = 1e-4
"""Floor for bin shares in PSI, so an empty bin contributes a large but finite term."""


@dataclass(frozen=True)
class FeatureDrift:
    name: str
    psi: float
    ks_statistic: float | None
    ks_p_value: float | None
    rows: int
    missing_share: float
    severity: str
    """"ok", "warning" or "alert" (see `severity_of`)."""

    def as_dict(self) -> dict:
        return asdict(self)


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def reference_profile(
    matrix: np.ndarray, names: Sequence[str], *, bins: int = 10, sample_size: int = 2_000, seed: int = 0
) -> dict:
    """JSON-able profile of each column of `matrix` (rows x len(names))."""
    matrix = np.asfortranarray(np.asarray(matrix, dtype=np.float64))
    rng = np.random.default_rng(seed)
    features = {}
    for column, name in enumerate(names):
        values = matrix[:, column]
        finite = _finite(values)
        edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if len(finite) else np.array([])
        counts = _bin_counts(values, edges)
        sample = np.sort(rng.choice(finite, size=min(sample_size, len(finite)), replace=False)) if len(finite) else finite
        features[name] = {
            "edges": edges.tolist(),
            "shares": (counts / max(1, len(values))).tolist(),
            "sample": sample.tolist(),
            "rows": int(len(values)),
        }
    return {"bins": bins, "features": features}


def _bin_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin: len(edges) + 1 value bins (x <= edge closes a bin, so a 0/1 flag whose only
    edge is 0 splits into its two values), then one bin for missing values."""
    finite = np.isfinite(values)
    counts = np.bincount(np.searchsorted(edges, values[finite], side="left"), minlength=len(edges) + 1)
    return np.append(counts, int((~finite).sum())).astype(np.float64)


def population_stability_index(expected: np.ndarray, actual: np.ndarray) -> float:
    """PSI = sum((a - e) * ln(a / e)) over bins, with shares floored at EPSILON."""
    expected = np.maximum(np.asarray(expected, dtype=np.float64), EPSILON)
    actual = np.maximum(np.asarray(actual, dtype=np.float64), EPSILON)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def severity_of(psi: float, ks_p_value: float | None) -> str:
    if psi >= PSI_ALERT:
        return "alert"
    if psi >= PSI_WARNING or (ks_p_value is not None and ks_p_value < KS_ALERT_P_VALUE and psi >= PSI_WARNING / 2):
        return "warning"
    return "ok"


def feature_drift(name: str, reference: dict, values: np.ndarray) -> FeatureDrift:
    """Drift of one feature's recent `values` against its reference entry."""
    values = np.asarray(values, dtype=np.float64)
    edges = np.asarray(reference["edges"], dtype=np.float64)
    counts = _bin_counts(values, edges)
    actual = counts / max(1, len(values))
    psi = population_stability_index(np.asarray(reference["shares"]), actual)
    finite = _finite(values)
    sample = np.asarray(reference["sample"], dtype=np.float64)
    ks_statistic = ks_p_value = None
    if len(finite) > KS_MAX_ROWS:
        finite = finite[np.random.default_rng(0).integers(0, len(finite), KS_MAX_ROWS)]
    if len(finite) and len(sample):
        result = stats.ks_2samp(sample, finite, method="asymp")
        ks_statistic, ks_p_value = float(result.statistic), float(result.pvalue)
    missing = float(counts[-1] / len(values)) if len(values) else 0.0
    return FeatureDrift(name, psi, ks_statistic, ks_p_value, int(len(values)), missing, severity_of(psi, ks_p_value))


def drift_report(profile: dict, matrix: np.ndarray, names: Sequence[str]) -> list[FeatureDrift]:
    """Drift of every profiled feature present in `names` (columns of `matrix`), worst PSI first."""
    # Column-major: each feature's values are contiguous, read once per feature.
    matrix = np.asfortranarray(np.asarray(matrix, dtype=np.float64).reshape(-1, len(names)))
    reference = profile["features"]
    drifts = [
        feature_drift(name, reference[name], matrix[:, column]) for column, name in enumerate(names) if name in reference
    ]
    return sorted(drifts, key=lambda drift: -drift.psi)
