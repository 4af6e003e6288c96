"""BG/NBD and Gamma-Gamma on data drawn from the models themselves: the fit recovers the
parameters it was drawn with, and predictions behave as the model says they must."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.segments.clv import (
    BgNbdParams,
    enough_history,
    expected_purchases,
    fit_and_predict,
    fit_bgnbd,
    probability_alive,
    summary_from_transactions,
)


def _simulate(n: int, params: BgNbdParams, T: float, rng: np.random.Generator) -> pd.DataFrame:
    """Draw (frequency, recency, T) from the BG/NBD story: Poisson buying until a coin says "gone"."""
    lam = rng.gamma(params.r, 1.0 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    rows = []
    for i in range(n):
        t, last, x = 0.0, 0.0, 0
        while True:
            t += rng.exponential(1.0 / lam[i])
            if t > T:
                break
            x, last = x + 1, t
            if rng.random() < p[i]:
                break
        rows.append((float(x), last, T))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


def test_fit_recovers_the_parameters_the_data_was_drawn_with():
    truth = BgNbdParams(r=0.8, alpha=20.0, a=0.9, b=3.0)
    summary = _simulate(4000, truth, T=200.0, rng=np.random.default_rng(3))
    fitted = fit_bgnbd(summary)
    assert fitted.r == pytest.approx(truth.r, rel=0.25)
    assert fitted.alpha == pytest.approx(truth.alpha, rel=0.3)
    assert fitted.a / (fitted.a + fitted.b) == pytest.approx(truth.a / (truth.a + truth.b), rel=0.3)


def test_a_customer_silent_since_long_ago_is_less_alive_and_expected_to_buy_less():
    params = BgNbdParams(r=0.5, alpha=10.0, a=0.8, b=2.5)
    summary = pd.DataFrame({"frequency": [5.0, 5.0, 0.0], "recency": [95.0, 10.0, 0.0], "T": [100.0, 100.0, 100.0]})
    alive = probability_alive(params, summary)
    assert alive[0] > 0.8 and alive[1] < 0.01
    assert alive[2] == 1.0
    bought = expected_purchases(params, summary, 365)
    assert bought[0] > bought[1] > 0


def test_summary_counts_repeat_purchase_days_and_mean_repeat_value():
    day = pd.Timestamp("2026-01-01", tz="UTC")
    transactions = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2],
            "date": [day, day, day + pd.Timedelta(days=10), day + pd.Timedelta(days=30), day + pd.Timedelta(days=20)],
            "value": [10.0, 5.0, 20.0, 40.0, 7.0],
        }
    )
    summary = summary_from_transactions(transactions, end=day + pd.Timedelta(days=40))
    assert summary.loc[1].tolist() == [2.0, 30.0, 40.0, 30.0]  # two repeat days, mean of 20 and 40
    assert summary.loc[2].tolist() == [0.0, 0.0, 20.0, 0.0]


def test_fit_and_predict_gives_value_for_everyone():
    truth = BgNbdParams(r=0.8, alpha=20.0, a=0.9, b=3.0)
    rng = np.random.default_rng(5)
    summary = _simulate(800, truth, T=200.0, rng=rng)
    summary["monetary"] = np.where(summary["frequency"] > 0, rng.gamma(4.0, 10.0, len(summary)), 0.0)
    result = fit_and_predict(summary, horizon=365)
    assert (result.predictions["expected_value"] >= 0).all()
    assert result.predictions["p_alive"].between(0, 1).all()
    assert result.gamma_gamma.q > 1


def test_too_little_history_is_named():
    small = pd.DataFrame({"frequency": [1.0] * 10, "recency": [1.0] * 10, "T": [5.0] * 10})
    assert "at least 500" in enough_history(small, history_days=400)
    big = pd.DataFrame({"frequency": [1.0] * 600, "recency": [1.0] * 600, "T": [5.0] * 600})
    assert "180" in enough_history(big, history_days=90)
    assert enough_history(big, history_days=200) is None
