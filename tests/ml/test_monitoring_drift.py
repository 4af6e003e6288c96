"""PSI and KS drift against hand computations and scipy on known distributions."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ml.monitoring.drift import drift_report, population_stability_index, reference_profile


def test_psi_against_a_hand_computation():
    expected = np.array([0.5, 0.5])
    actual = np.array([0.8, 0.2])
    by_hand = (0.8 - 0.5) * math.log(0.8 / 0.5) + (0.2 - 0.5) * math.log(0.2 / 0.5)
    assert population_stability_index(expected, actual) == pytest.approx(by_hand)
    assert population_stability_index(expected, expected) == 0.0


def _normal(mean: float, rows: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(mean, 1.0, rows)


def test_same_distribution_is_stable_and_a_shifted_one_alerts():
    profile = reference_profile(_normal(0, 20_000, 1).reshape(-1, 1), ["x"], sample_size=5_000)
    same = drift_report(profile, _normal(0, 20_000, 2).reshape(-1, 1), ["x"])[0]
    shifted = drift_report(profile, _normal(1, 20_000, 3).reshape(-1, 1), ["x"])[0]
    assert same.severity == "ok" and same.psi < 0.01
    assert shifted.severity == "alert" and shifted.psi > 0.25


def test_ks_matches_scipy_on_the_reference_sample():
    reference = _normal(0, 3_000, 4)
    current = _normal(0.3, 4_000, 5)
    profile = reference_profile(reference.reshape(-1, 1), ["x"], sample_size=3_000)
    drift = drift_report(profile, current.reshape(-1, 1), ["x"])[0]
    expected = stats.ks_2samp(reference, current, method="asymp")
    assert drift.ks_statistic == pytest.approx(expected.statistic)
    assert drift.ks_p_value == pytest.approx(expected.pvalue, rel=1e-6)


def test_a_feature_going_missing_is_drift():
    profile = reference_profile(_normal(0, 5_000, 6).reshape(-1, 1), ["x"])
    values = _normal(0, 5_000, 7)
    values[: len(values) // 2] = np.nan
    drift = drift_report(profile, values.reshape(-1, 1), ["x"])[0]
    assert drift.missing_share == pytest.approx(0.5)
    assert drift.severity == "alert"


def test_report_orders_worst_first_and_ignores_unprofiled_columns():
    reference = np.column_stack([_normal(0, 5_000, 8), _normal(0, 5_000, 9)])
    profile = reference_profile(reference, ["a", "b"])
    current = np.column_stack([_normal(0, 5_000, 10), _normal(2, 5_000, 11), _normal(0, 5_000, 12)])
    report = drift_report(profile, current, ["a", "b", "new"])
    assert [d.name for d in report] == ["b", "a"]


def test_a_constant_feature_has_one_bin_and_no_spurious_drift():
    profile = reference_profile(np.zeros((1_000, 1)), ["flag"])
    assert profile["features"]["flag"]["edges"] == [0.0]
    assert drift_report(profile, np.zeros((500, 1)), ["flag"])[0].psi == pytest.approx(0.0)
    assert drift_report(profile, np.ones((500, 1)), ["flag"])[0].severity == "alert"
