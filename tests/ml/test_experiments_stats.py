"""The results page's statistics against scipy and textbook values."""
from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest, chi2_contingency
from scipy.stats.contingency import relative_risk

from ml.experiments.stats import (
    compare,
    minimum_detectable_effect,
    power_at,
    relative_lift,
    sample_size_note,
    sample_size_per_arm,
    two_proportion_ztest,
    wilson_interval,
)


@pytest.mark.parametrize("k, n", [(0, 20), (3, 40), (81, 263), (500, 1000), (20, 20)])
def test_wilson_interval_matches_scipy(k, n):
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    got = wilson_interval(k, n)
    assert got.low == pytest.approx(expected.low, abs=1e-12)
    assert got.high == pytest.approx(expected.high, abs=1e-12)


def test_wilson_interval_textbook_case():
    # Newcombe (1998), Statistics in Medicine 17:857, method 3: 81/263 -> 0.2553 to 0.3662.
    got = wilson_interval(81, 263)
    assert (round(got.low, 4), round(got.high, 4)) == (0.2553, 0.3662)
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize("table", [(100, 1000, 130, 1000), (48, 1200, 71, 1180), (5, 60, 12, 55), (300, 10_000, 300, 10_000)])
def test_z_test_equals_pearson_chi_square(table):
    xc, nc, xv, nv = table
    chi2, p_value, _, _ = chi2_contingency([[xv, nv - xv], [xc, nc - xc]], correction=False)
    test = two_proportion_ztest(xc, nc, xv, nv)
    assert test.z ** 2 == pytest.approx(chi2, rel=1e-9)
    assert test.p_value == pytest.approx(p_value, rel=1e-9)
    assert math.copysign(1, test.z) == math.copysign(1, xv / nv - xc / nc) or xv / nv == xc / nc


def test_z_test_textbook_case():
    # 100/1000 vs 130/1000: z = 2.1027, p = 0.0355 (pooled rate 0.115).
    test = two_proportion_ztest(100, 1000, 130, 1000)
    assert round(test.z, 4) == 2.1027 and round(test.p_value, 4) == 0.0355
    assert two_proportion_ztest(0, 10, 0, 10) is None
    assert two_proportion_ztest(1, 0, 1, 10) is None


@pytest.mark.parametrize("table", [(100, 1000, 130, 1000), (48, 1200, 71, 1180), (30, 500, 21, 480)])
def test_lift_interval_matches_scipy_relative_risk(table):
    xc, nc, xv, nv = table
    expected = relative_risk(xv, nv, xc, nc)
    interval = expected.confidence_interval(confidence_level=0.95)
    lift = relative_lift(xc, nc, xv, nv)
    assert lift.relative == pytest.approx(expected.relative_risk - 1, rel=1e-12)
    assert lift.low == pytest.approx(interval.low - 1, rel=1e-9)
    assert lift.high == pytest.approx(interval.high - 1, rel=1e-9)
    assert relative_lift(0, 100, 5, 100) is None


def test_sample_size_textbook_case_and_power():
    # 10% -> 12% (a +20% lift) at alpha 0.05 two-sided, power 0.8: 3,841 per arm (Fleiss, no correction).
    n = sample_size_per_arm(0.10, 0.20)
    assert n == 3841
    assert power_at(0.10, 0.20, n) >= 0.8 > power_at(0.10, 0.20, n - 10)
    with pytest.raises(ValueError):
        sample_size_per_arm(0.9, 0.2)


def test_minimum_detectable_effect_inverts_the_sample_size():
    assert minimum_detectable_effect(0.10, 3841) == pytest.approx(0.20, abs=1e-3)
    bigger = minimum_detectable_effect(0.10, 500)
    assert bigger > 0.5
    assert minimum_detectable_effect(0.10, 0) is None


def test_sample_size_note_until_every_arm_has_enough_units():
    note = sample_size_note(units=[4000, 1200], baseline=0.10, relative_effect=0.20)
    assert note is not None and "3,841" in note and "1,200" in note
    assert sample_size_note(units=[3841, 3900], baseline=0.10, relative_effect=0.20) is None


def test_compare_flags_significance_at_five_percent():
    assert compare(100, 1000, 130, 1000).significant is True
    assert compare(100, 1000, 110, 1000).significant is False
    empty = compare(0, 0, 0, 0)
    assert (empty.rate, empty.interval, empty.lift, empty.test, empty.significant) == (None, None, None, None, False)
