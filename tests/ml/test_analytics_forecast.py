"""The category forecast: trend and weekday pattern recovered, backtest against seasonal-naive."""
from __future__ import annotations

import numpy as np
import pytest

from ml.analytics.forecast import forecast_daily, seasonal_naive, smape

WEEKLY = np.array([1.0, 0.9, 0.95, 1.0, 1.2, 1.6, 1.4])


def _series(days: int, *, slope: float, noise: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    return (100 + slope * t) * WEEKLY[t % 7] + rng.normal(0, noise, days)


def test_smape_by_hand():
    assert smape([100, 0], [50, 0]) == pytest.approx(100 * (2 * 50 / 150) / 2)
    assert smape([10, 20], [10, 20]) == 0.0


def test_a_trending_weekly_series_is_forecast_closely_and_beats_seasonal_naive():
    series = _series(84, slope=2.0, noise=2.0)
    result = forecast_daily(series, horizon=14)
    truth = _series(98, slope=2.0, noise=0.0)[84:]
    assert smape(truth, result.values) < 5
    assert result.beats_baseline  # the naive forecast misses a week of growth
    assert all(lo <= v <= hi for lo, v, hi in zip(result.lower, result.values, result.upper, strict=True))


def test_seasonal_naive_repeats_last_week_and_short_history_gives_no_forecast():
    assert seasonal_naive(list(range(14)), 9).tolist() == [7, 8, 9, 10, 11, 12, 13, 7, 8]
    assert forecast_daily(list(range(30)), holdout=14) is None
