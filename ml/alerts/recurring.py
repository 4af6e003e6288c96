"""Recurring charges (subscriptions) found in a payment history, from the data alone.

A series is a run of at least `MIN_CHARGES` payments by one customer at one merchant whose
amounts stay within `AMOUNT_TOLERANCE` of each other and whose gaps match one cadence
(weekly, fortnightly, monthly, quarterly, yearly) with every gap within `GAP_TOLERANCE` of
the typical gap. A marketplace shopper also buys one-off items at the same shop, so
amounts are first grouped into bands of similar amounts and each band is tested on its own;
the one-off purchases fall in other bands and do not break the series.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ml.alerts.grouped import group_max, group_median, group_min


def epoch_seconds(timestamps: pd.Series) -> np.ndarray:
    """Seconds since the epoch of tz-aware or naive (UTC) timestamps, whatever their resolution."""
    moments = pd.to_datetime(timestamps, utc=True).dt.tz_convert(None)
    return moments.to_numpy().astype("datetime64[ms]").astype(np.int64) / 1e3


MIN_CHARGES = 3
AMOUNT_TOLERANCE = 0.10
"""Relative step between sorted amounts that starts a new band (9.99 and 10.49 are one band)."""
GAP_TOLERANCE = 0.25
CADENCES: dict[str, tuple[float, float]] = {
    # name: (typical gap in days, allowed distance of the median gap from it)
    "weekly": (7.0, 1.0),
    "fortnightly": (14.0, 2.0),
    "monthly": (30.44, 3.5),
    "quarterly": (91.3, 8.0),
    "yearly": (365.25, 15.0),
}
SERIES_COLUMNS = ["customer_id", "merchant_id", "amount", "cadence", "gap_days", "charges", "last_charge"]


def recurring_series(payments: pd.DataFrame) -> pd.DataFrame:
    """One row per detected series: customer_id, merchant_id, typical amount, cadence, median gap,
    number of charges and the last charge's timestamp.

    `payments` needs customer_id, merchant_id, amount and timestamp columns.
    """
    customer_codes, customer_ids = pd.factorize(payments["customer_id"])
    merchant_codes, merchant_ids = pd.factorize(payments["merchant_id"])
    found = detect_series(
        customer_codes, merchant_codes, payments["amount"].to_numpy(np.float64), epoch_seconds(payments["timestamp"])
    )
    if found is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    return pd.DataFrame(
        {
            "customer_id": np.asarray(customer_ids)[found["customer"]],
            "merchant_id": np.asarray(merchant_ids)[found["merchant"]],
            "amount": found["amount"],
            "cadence": found["cadence"],
            "gap_days": found["gap_days"],
            "charges": found["charges"],
            "last_charge": pd.to_datetime(found["last_seconds"], unit="s", utc=True),
        }
    )[SERIES_COLUMNS]


def detect_series(
    customers: np.ndarray, merchants: np.ndarray, amount: np.ndarray, seconds: np.ndarray
) -> dict[str, np.ndarray] | None:
    """The series among payments given as parallel arrays (customer and merchant as integer codes):
    per series its customer and merchant code, amount, cadence, gap_days, charges, last_seconds;
    None when there is none."""
    if len(amount) < MIN_CHARGES:
        return None
    pair = customers.astype(np.int64) * (int(merchants.max()) + 1) + merchants
    _, pair_codes, pair_counts = np.unique(pair, return_inverse=True, return_counts=True)
    rows = np.flatnonzero(pair_counts[pair_codes] >= MIN_CHARGES)
    if len(rows) == 0:
        return None
    # bands of similar amounts within each (customer, merchant)
    rows = rows[np.lexsort((amount[rows], pair[rows]))]
    a, p = amount[rows], pair[rows]
    band = np.cumsum(np.concatenate([[True], (p[1:] != p[:-1]) | (a[1:] > a[:-1] * (1 + AMOUNT_TOLERANCE) + 0.01)]))
    keep = np.bincount(band)[band] >= MIN_CHARGES
    rows, band = rows[keep], band[keep]
    if len(rows) == 0:
        return None
    order = np.lexsort((seconds[rows], band))
    rows, band = rows[order], band[order]
    band = np.cumsum(np.concatenate([[True], band[1:] != band[:-1]])) - 1
    bands = int(band[-1]) + 1
    s = seconds[rows]
    within = band[1:] == band[:-1]
    gaps, gap_band = (np.diff(s) / 86_400.0)[within], band[1:][within]
    median = group_median(gaps, gap_band, bands)
    shortest, longest = group_min(gaps, gap_band, bands), group_max(gaps, gap_band, bands)
    cadence = np.full(bands, "", dtype=object)
    for name, (typical, slack) in CADENCES.items():
        cadence[(cadence == "") & (np.abs(median - typical) <= slack)] = name
    regular = (cadence != "") & (longest <= median * (1 + GAP_TOLERANCE)) & (shortest >= median * (1 - GAP_TOLERANCE))
    if not regular.any():
        return None
    first_row = rows[np.concatenate([[True], band[1:] != band[:-1]])]
    return {
        "customer": customers[first_row][regular],
        "merchant": merchants[first_row][regular],
        "amount": group_median(amount[rows], band, bands)[regular],
        "cadence": cadence[regular],
        "gap_days": median[regular],
        "charges": np.bincount(band)[regular],
        "last_seconds": group_max(s, band, bands)[regular],
    }
