"""The Bollinger decision rule on series with planted anomalies."""
from __future__ import annotations

import numpy as np
import pytest

from ml.analytics.bollinger import bollinger_bands


def test_a_planted_spike_and_dip_are_flagged_and_nothing_else():
    rng = np.random.default_rng(7)
    series = list(100 + rng.normal(0, 2, 60))
    series[40] = 130.0
    series[50] = 70.0
    bands = bollinger_bands(series, window=20, num_std=3.0)
    assert bands.anomalies == [40, 50]
    # At two standard deviations ordinary noise crosses the band too (about 5% of points).
    assert {40, 50} < set(bollinger_bands(series, window=20).anomalies)
    assert bands.flags[40] == 1 and bands.flags[50] == -1


def test_bands_use_only_the_trailing_window():
    series = [10.0, 12.0, 14.0, 100.0]
    bands = bollinger_bands(series, window=3, num_std=2.0, min_periods=3)
    mean, std = np.mean([10, 12, 14]), np.std([10, 12, 14], ddof=1)
    assert bands.middle[3] == pytest.approx(mean)
    assert bands.upper[3] == pytest.approx(mean + 2 * std)
    assert bands.middle[:3] == [None, None, None] and bands.flags[:3] == [0, 0, 0]
    assert bands.flags[3] == 1


def test_a_constant_series_does_not_flag_rounding_noise():
    bands = bollinger_bands([50.0] * 30 + [50.2], window=10)
    assert bands.anomalies == []
    assert bollinger_bands([50.0] * 30 + [60.0], window=10).anomalies == [30]


def test_missing_values_are_skipped_not_flagged():
    series = [1.0, 1.1, float("nan"), 0.9, 1.0, 1.05, 5.0]
    bands = bollinger_bands(series, window=4, min_periods=3)
    assert bands.flags[2] == 0 and bands.flags[-1] == 1
