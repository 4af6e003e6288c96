"""Behavioural features of each shopper from their payments, the input of the alert KNN.

One row per customer over a window of recent payments (`WINDOW_DAYS` before `now`). Money is
in the payments' own currency (the marketplace settles in one). Hours are UTC, as elsewhere
in the platform's features. "New" merchants are those whose first payment inside the window
falls in the last 30 days, so a shop last used before the window counts as new again.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import numpy as np
import pandas as pd

from ml.alerts.grouped import distinct_per_group, group_max, group_median, group_min
from ml.alerts.recurring import detect_series, epoch_seconds

WINDOW_DAYS = 180
RECENT_DAYS = 30
DAYS_PER_MONTH = 30.44
NIGHT_HOURS = (0, 6)
"""[start, end) UTC hours that count as night."""
EARTH_RADIUS_KM = 6371.0
SECONDS_PER_DAY = 86_400.0
PAYMENT_COLUMNS = ["customer_id", "merchant_id", "amount", "timestamp", "country", "latitude", "longitude"]

FEATURES: tuple[str, ...] = (
    "monthly_spend",
    "avg_amount",
    "amount_volatility",
    "tx_per_month",
    "merchant_count",
    "max_amount",
    "night_share",
    "country_count",
    "location_spread_km",
    "new_merchants_30d",
    "recurring_series",
    "limit_utilisation",
)
HEAVY_TAILED: frozenset[str] = frozenset(FEATURES) - {"night_share", "limit_utilisation"}
"""Money and counts: compared on a log scale, so one big spender does not flatten everyone else."""


def customer_features(
    payments: pd.DataFrame,
    *,
    now: datetime,
    customers: Iterable | None = None,
    limits: Mapping | None = None,
) -> pd.DataFrame:
    """Features indexed by customer_id, columns `FEATURES` (float).

    `payments` holds `PAYMENT_COLUMNS`; rows older than the window are ignored. `customers`
    adds rows (all zeros) for shoppers without payments in the window. `limits` maps a
    customer to the monthly spending limit they set, the base of `limit_utilisation` (the
    marketplace holds no credit limits; a customer without one has utilisation 0).
    """
    now_s = pd.Timestamp(now).timestamp()
    seconds = epoch_seconds(payments["timestamp"]) if len(payments) else np.zeros(0)
    keep = (seconds > now_s - WINDOW_DAYS * SECONDS_PER_DAY) & (seconds <= now_s)
    frame = payments.loc[keep, PAYMENT_COLUMNS] if len(payments) else pd.DataFrame(columns=PAYMENT_COLUMNS)
    seconds = seconds[keep]
    codes, ids = pd.factorize(frame["customer_id"])
    ids = pd.Index(ids)
    extra = pd.Index(list(customers)).difference(ids) if customers is not None else pd.Index([])
    index = ids.append(extra) if len(extra) else ids
    n = len(ids)
    values = np.zeros((len(index), len(FEATURES)))
    if n:
        values[:n] = _features_matrix(frame, codes, n, seconds, now_s)
        if limits:
            recent = seconds > now_s - RECENT_DAYS * SECONDS_PER_DAY
            spend = np.bincount(codes, weights=frame["amount"].to_numpy(np.float64) * recent, minlength=n)
            limit = np.array([float(limits.get(customer) or 0.0) for customer in ids])
            column = FEATURES.index("limit_utilisation")
            values[:n, column] = np.divide(spend, limit, out=np.zeros(n), where=limit > 0)
    out = pd.DataFrame(values, index=index, columns=list(FEATURES))
    out.index.name = "customer_id"
    return out


def _features_matrix(frame: pd.DataFrame, codes: np.ndarray, n: int, seconds: np.ndarray, now_s: float) -> np.ndarray:
    amount = frame["amount"].to_numpy(np.float64)
    count = np.bincount(codes, minlength=n).astype(np.float64)
    total = np.bincount(codes, weights=amount, minlength=n)
    mean = total / count
    square = np.bincount(codes, weights=amount * amount, minlength=n) / count
    months = np.clip((now_s - group_min(seconds, codes, n)) / SECONDS_PER_DAY / DAYS_PER_MONTH, 1.0, None)
    hour = (seconds // 3600) % 24
    night = (hour >= NIGHT_HOURS[0]) & (hour < NIGHT_HOURS[1])
    merchant_codes, _ = pd.factorize(frame["merchant_id"])
    country = frame["country"].fillna("").astype(str).to_numpy()
    country_codes, _ = pd.factorize(country)
    has_country = country != ""
    out = np.zeros((n, len(FEATURES)))
    columns = {
        "monthly_spend": total / months,
        "avg_amount": mean,
        "amount_volatility": np.sqrt(np.clip(square - mean * mean, 0.0, None)),
        "tx_per_month": count / months,
        "merchant_count": distinct_per_group(codes, merchant_codes, n),
        "max_amount": group_max(amount, codes, n),
        "night_share": np.bincount(codes, weights=night, minlength=n) / count,
        "country_count": distinct_per_group(codes[has_country], country_codes[has_country], n),
        "location_spread_km": _location_spread_km(frame, codes, n),
        "new_merchants_30d": _new_merchants(codes, merchant_codes, seconds, n, now_s),
        "recurring_series": _recurring_counts(codes, merchant_codes, amount, seconds, n),
    }
    for name, column in columns.items():
        out[:, FEATURES.index(name)] = column
    return out


def _new_merchants(codes: np.ndarray, merchants: np.ndarray, seconds: np.ndarray, n: int, now_s: float) -> np.ndarray:
    """Shops whose first payment (in the window) is in the last RECENT_DAYS."""
    pair_codes, pairs = pd.factorize(codes.astype(np.int64) * (int(merchants.max()) + 1) + merchants)
    first = group_min(seconds, pair_codes, len(pairs))
    customer = np.asarray(pairs) // (int(merchants.max()) + 1)
    recent = first > now_s - RECENT_DAYS * SECONDS_PER_DAY
    return np.bincount(customer[recent], minlength=n).astype(np.float64)


def _location_spread_km(frame: pd.DataFrame, codes: np.ndarray, n: int) -> np.ndarray:
    """Per customer, the farthest geolocated payment from the median of their geolocated payments."""
    lat = frame["latitude"].to_numpy(np.float64, na_value=np.nan)
    lon = frame["longitude"].to_numpy(np.float64, na_value=np.nan)
    located = ~(np.isnan(lat) | np.isnan(lon))
    if not located.any():
        return np.zeros(n)
    lat, lon, where = lat[located], lon[located], codes[located]
    centre_lat, centre_lon = group_median(lat, where, n), group_median(lon, where, n)
    distance = haversine_km(lat, lon, centre_lat[where], centre_lon[where])
    return np.clip(group_max(distance, where, n), 0.0, None)


def _recurring_counts(codes: np.ndarray, merchants: np.ndarray, amount: np.ndarray, seconds: np.ndarray, n: int):
    found = detect_series(codes, merchants, amount, seconds)
    return np.zeros(n) if found is None else np.bincount(found["customer"], minlength=n).astype(np.float64)


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
