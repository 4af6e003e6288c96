"""Customer value and churn: BG/NBD (Fader, Hardie and Lee 2005) for repeat purchases and
Gamma-Gamma (Fader, Hardie and Lee 2005, "RFM and CLV") for spend per order.

Implemented on scipy rather than the unmaintained `lifetimes` package. Time runs in whatever
unit the summary is in (days for the portal, weeks for the CDNOW comparison in bench/clv.py).
Parameters are fitted by maximum likelihood over their logarithms (all must be positive), with
customers sharing the same (x, t_x, T) counted once with a weight.

Summary per customer (the usual CLV notation):
    frequency x   repeat purchases (purchase periods after the first one)
    recency t_x   time from the first to the last purchase
    T             time from the first purchase to the end of the observation
    monetary      mean value of the repeat purchases (Gamma-Gamma uses customers with x > 0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

MIN_CUSTOMERS = 500
"""Fewer customers with orders than this and the fitted heterogeneity is mostly noise."""
MIN_HISTORY_DAYS = 180
"""A shorter history cannot tell a slow buyer from a lost one."""


class NotEnoughData(ValueError):
    """The history is below the minimum; the message says by how much."""


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float


def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    end: pd.Timestamp,
    freq_days: float = 1.0,
    customer: str = "customer_id",
    when: str = "date",
    value: str = "value",
) -> pd.DataFrame:
    """Per customer: frequency, recency, T (in units of `freq_days` days) and monetary value.

    Purchases on the same period (day by default) count as one purchase with their values summed,
    as the model counts purchase occasions. Transactions after `end` are ignored.
    """
    rows = transactions.loc[transactions[when] <= end, [customer, when, value]].copy()
    rows["period"] = rows[when].dt.floor("D")
    per_period = rows.groupby([customer, "period"], sort=True)[value].sum().reset_index()
    grouped = per_period.groupby(customer)
    first, last, count = grouped["period"].min(), grouped["period"].max(), grouped["period"].size()
    total = grouped[value].sum()
    first_value = grouped[value].first()
    unit = pd.Timedelta(days=freq_days)
    summary = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (last - first) / unit,
            "T": (end.floor("D") - first) / unit,
        }
    )
    repeats = summary["frequency"] > 0
    summary["monetary"] = 0.0
    summary.loc[repeats, "monetary"] = ((total - first_value)[repeats] / summary.loc[repeats, "frequency"]).astype(float)
    return summary


def _bgnbd_loglik(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def _grouped(summary: pd.DataFrame, columns: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    counts = summary.groupby(columns, sort=False).size().reset_index(name="weight")
    return [counts[c].to_numpy(dtype=float) for c in columns], counts["weight"].to_numpy(dtype=float)


def fit_bgnbd(summary: pd.DataFrame, *, penalizer: float = 0.0) -> BgNbdParams:
    """Maximum-likelihood r, alpha, a, b from frequency/recency/T."""
    (x, t_x, T), weight = _grouped(summary, ["frequency", "recency", "T"])
    scale = float(max(T.max(), 1.0))  # fit on T scaled to ~1 (alpha scales with it), better conditioned

    def objective(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        ll = _bgnbd_loglik(params, x, t_x / scale, T / scale)
        return -float(np.sum(weight * ll)) / weight.sum() + penalizer * float(np.sum(params**2))

    best = minimize(
        objective, np.log([1.0, 1.0, 1.0, 1.0]), method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-10}
    )
    best = minimize(objective, best.x, method="L-BFGS-B")
    r, alpha, a, b = np.exp(best.x)
    return BgNbdParams(r=float(r), alpha=float(alpha * scale), a=float(a), b=float(b))


def bgnbd_log_likelihood(params: BgNbdParams, summary: pd.DataFrame) -> float:
    return float(
        np.sum(
            _bgnbd_loglik(
                np.array([params.r, params.alpha, params.a, params.b]),
                summary["frequency"].to_numpy(float),
                summary["recency"].to_numpy(float),
                summary["T"].to_numpy(float),
            )
        )
    )


def _columns(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float), summary["T"].to_numpy(float))


def probability_alive(params: BgNbdParams, summary: pd.DataFrame) -> np.ndarray:
    """P(still a customer | x, t_x, T); 1 for customers without repeat purchases by the model's assumption."""
    x, t_x, T = _columns(summary)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_odds = np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(x > 0, 1.0 / (1.0 + np.exp(log_odds)), 1.0)


def expected_purchases(params: BgNbdParams, summary: pd.DataFrame, t: float) -> np.ndarray:
    """Expected purchases in the next `t` time units, given each customer's history."""
    x, t_x, T = _columns(summary)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        odds = np.where(
            x > 0, a / np.maximum(b + x - 1, 1e-12) * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + t_x))), 0.0
        )
    return numerator / (1 + odds)


def expected_gap(params: BgNbdParams, summary: pd.DataFrame) -> np.ndarray:
    """Expected time to the next purchase of a customer still alive: 1 / posterior mean rate (alpha+T)/(r+x)."""
    x, _, T = _columns(summary)
    return (params.alpha + T) / (params.r + x)


def _gg_loglik(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    p, q, v = params
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )


def fit_gamma_gamma(summary: pd.DataFrame) -> GammaGammaParams:
    """p, q, v from the repeat buyers' frequency and mean spend."""
    repeaters = summary[(summary["frequency"] > 0) & (summary["monetary"] > 0)]
    if repeaters.empty:
        raise NotEnoughData("no repeat buyer with a positive spend to fit spend per order on")
    x, m = repeaters["frequency"].to_numpy(float), repeaters["monetary"].to_numpy(float)
    scale = float(np.mean(m))

    def objective(log_params: np.ndarray) -> float:
        return -float(np.mean(_gg_loglik(np.exp(log_params), x, m / scale)))

    best = minimize(objective, np.log([1.0, 1.0, 1.0]), method="Nelder-Mead", options={"maxiter": 4000})
    best = minimize(objective, best.x, method="L-BFGS-B")
    p, q, v = np.exp(best.x)
    return GammaGammaParams(p=float(p), q=float(q), v=float(v * scale))


def expected_order_value(params: GammaGammaParams, summary: pd.DataFrame) -> np.ndarray:
    """E[spend per order | x, mean spend]; the population mean p*v/(q-1) for customers without repeats."""
    x, m = summary["frequency"].to_numpy(float), summary["monetary"].to_numpy(float)
    p, q, v = params.p, params.q, params.v
    population = p * v / (q - 1) if q > 1 else float(np.mean(m[x > 0])) if np.any(x > 0) else 0.0
    return np.where(x > 0, p * (v + x * m) / (p * x + q - 1), population)


@dataclass(frozen=True)
class ClvResult:
    bgnbd: BgNbdParams
    gamma_gamma: GammaGammaParams
    predictions: pd.DataFrame
    """Per customer: expected_orders, expected_value, p_alive, expected_gap (time units until the next order)."""


def enough_history(summary: pd.DataFrame, *, history_days: float) -> str | None:
    """Why the history is too small for a CLV model, or None when it is enough."""
    if len(summary) < MIN_CUSTOMERS:
        return f"{len(summary):,} customers with orders, at least {MIN_CUSTOMERS:,} are needed"
    if history_days < MIN_HISTORY_DAYS:
        return f"{history_days:.0f} days of order history, at least {MIN_HISTORY_DAYS} are needed"
    return None


def predict(bgnbd: BgNbdParams, gamma_gamma: GammaGammaParams, summary: pd.DataFrame, *, horizon: float) -> pd.DataFrame:
    """Per customer: expected_orders and expected_value over `horizon`, p_alive, expected_gap."""
    orders = expected_purchases(bgnbd, summary, horizon)
    return pd.DataFrame(
        {
            "expected_orders": orders,
            "expected_value": orders * expected_order_value(gamma_gamma, summary),
            "p_alive": probability_alive(bgnbd, summary),
            "expected_gap": expected_gap(bgnbd, summary),
        },
        index=summary.index,
    )


def fit_and_predict(summary: pd.DataFrame, *, horizon: float) -> ClvResult:
    """Fit both models on `summary` and predict each customer's next `horizon` time units."""
    bgnbd = fit_bgnbd(summary)
    gamma_gamma = fit_gamma_gamma(summary)
    return ClvResult(bgnbd=bgnbd, gamma_gamma=gamma_gamma, predictions=predict(bgnbd, gamma_gamma, summary, horizon=horizon))
