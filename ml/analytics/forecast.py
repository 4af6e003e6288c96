"""A per-category sales forecast that says how good it is: linear trend + weekday effects.

Daily sales of a category are modelled as level + slope·t + an effect per weekday, fitted by
least squares on the most recent `fit_weeks` weeks (older history would drag the trend).
The model earns its place only by beating the seasonal-naive baseline ("same weekday last
week") on a backtest over the last `holdout` days, so both sMAPE figures are reported.
Intervals are ±1.96 residual standard deviations (a rough 95% band, widening with nothing:
it is a trend read, not a probabilistic model).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SEASON = 7


@dataclass(frozen=True)
class Forecast:
    values: list[float]
    lower: list[float]
    upper: list[float]
    smape: float
    """backtest sMAPE (0-200%) of this model over the holdout"""
    baseline_smape: float
    """backtest sMAPE of the seasonal-naive baseline over the same days"""

    @property
    def beats_baseline(self) -> bool:
        return self.smape < self.baseline_smape


def smape(actual: Sequence[float], predicted: Sequence[float]) -> float:
    """Symmetric MAPE in percent; days where both are zero count as a perfect 0."""
    a, p = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    denominator = np.abs(a) + np.abs(p)
    terms = np.divide(2 * np.abs(p - a), denominator, out=np.zeros_like(a), where=denominator > 0)
    return float(100 * terms.mean())


def _design(t: np.ndarray, first_weekday: int) -> np.ndarray:
    weekdays = (first_weekday + t) % SEASON
    dummies = np.eye(SEASON)[weekdays][:, 1:]  # weekday 0 is the reference level
    return np.column_stack([np.ones_like(t, dtype=float), t.astype(float), dummies])


def _fit_predict(history: np.ndarray, horizon: int, *, first_weekday: int, fit_weeks: int) -> tuple[np.ndarray, float]:
    """Predictions for the `horizon` days after `history`, and the residual std of the fit."""
    start = max(0, len(history) - fit_weeks * SEASON)
    t = np.arange(start, len(history))
    x = _design(t, first_weekday)
    coefficients, *_ = np.linalg.lstsq(x, history[start:], rcond=None)
    residuals = history[start:] - x @ coefficients
    ahead = np.arange(len(history), len(history) + horizon)
    return np.clip(_design(ahead, first_weekday) @ coefficients, 0, None), float(residuals.std(ddof=min(len(t) - 1, x.shape[1])))


def seasonal_naive(history: Sequence[float], horizon: int) -> np.ndarray:
    last_week = np.asarray(history, dtype=float)[-SEASON:]
    return np.resize(last_week, horizon)


def forecast_daily(
    values: Sequence[float], *, horizon: int = 14, holdout: int = 14, fit_weeks: int = 8, first_weekday: int = 0
) -> Forecast | None:
    """Forecast the `horizon` days after `values` (one value per consecutive day, oldest first).

    `first_weekday` is the weekday (0 = Monday) of values[0]. None when there are fewer than
    three weeks of history before the holdout: too little to tell a trend from a weekday effect.
    """
    series = np.asarray(values, dtype=float)
    if len(series) < holdout + 3 * SEASON:
        return None
    train, test = series[:-holdout], series[-holdout:]
    backtest, _ = _fit_predict(train, holdout, first_weekday=first_weekday, fit_weeks=fit_weeks)
    predicted, spread = _fit_predict(series, horizon, first_weekday=first_weekday, fit_weeks=fit_weeks)
    band = 1.96 * spread
    return Forecast(
        values=predicted.tolist(),
        lower=np.clip(predicted - band, 0, None).tolist(),
        upper=(predicted + band).tolist(),
        smape=smape(test, backtest),
        baseline_smape=smape(test, seasonal_naive(train, holdout)),
    )
