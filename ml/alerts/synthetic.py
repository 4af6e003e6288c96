"""A synthetic marketplace payment history for benchmarks: shoppers of a few kinds.

Occasional buyers, regulars, big spenders, subscribers (a monthly charge at one shop on top
of occasional buys) and travellers (a third of payments from abroad), in the proportions of
`KINDS`. Vectorised, so 50,000 shoppers take a few seconds; the card-payment simulator in
ml.simulate is far heavier and models card fraud, not marketplace shopping.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from ml.alerts.features import PAYMENT_COLUMNS


@dataclass(frozen=True)
class Kind:
    name: str
    share: float
    payments: tuple[int, int]
    typical_amount: float
    shops: tuple[int, int]
    night_rate: float = 0.05
    abroad_rate: float = 0.0


KINDS: tuple[Kind, ...] = (
    Kind("occasional", 0.50, (1, 4), 30.0, (1, 2)),
    Kind("regular", 0.25, (5, 20), 40.0, (2, 6)),
    Kind("big_spender", 0.10, (10, 40), 150.0, (4, 12), night_rate=0.1),
    Kind("subscriber", 0.10, (1, 4), 30.0, (1, 2)),
    Kind("traveller", 0.05, (5, 20), 60.0, (2, 6), abroad_rate=0.3),
)
HOME = ("GB", 51.5, -0.12)
ABROAD = (("FR", 48.86, 2.35), ("ES", 40.42, -3.70), ("US", 40.71, -74.0))


def synthetic_payments(*, customers: int, now: datetime, days: int = 180, merchants: int = 200, seed: int = 0) -> pd.DataFrame:
    """Payments with `PAYMENT_COLUMNS` plus `kind` (the shopper's kind), customers numbered 0..n-1."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(KINDS), size=customers, p=[kind.share for kind in KINDS])
    low = np.array([KINDS[k].payments[0] for k in kinds])
    high = np.array([KINDS[k].payments[1] for k in kinds])
    counts = rng.integers(low, high + 1)
    shop_counts = rng.integers([KINDS[k].shops[0] for k in kinds], np.array([KINDS[k].shops[1] for k in kinds]) + 1)
    customer = np.repeat(np.arange(customers), counts)
    kind = kinds[customer]
    n = len(customer)
    # each shopper's shops: a random offset into the merchant list, then one of their first k shops
    shop_base = rng.integers(0, merchants, size=customers)
    merchant = (shop_base[customer] + rng.integers(0, shop_counts[customer])) % merchants
    typical = np.array([kind_.typical_amount for kind_ in KINDS])[kind]
    amount = np.round(rng.lognormal(np.log(typical), 0.6), 2)
    age_days = rng.uniform(0, days, size=n)
    night = rng.random(n) < np.array([kind_.night_rate for kind_ in KINDS])[kind]
    hour = np.where(night, rng.integers(0, 6, size=n), rng.integers(8, 23, size=n))
    now_ts = pd.Timestamp(now)
    moments = (now_ts - pd.to_timedelta(age_days, unit="D")).floor("D") + pd.to_timedelta(hour, unit="h")
    abroad = rng.random(n) < np.array([kind_.abroad_rate for kind_ in KINDS])[kind]
    where = rng.integers(0, len(ABROAD), size=n)
    country = np.where(abroad, np.array([a[0] for a in ABROAD])[where], HOME[0])
    lat = np.where(abroad, np.array([a[1] for a in ABROAD])[where], HOME[1]) + rng.normal(0, 0.05, size=n)
    lon = np.where(abroad, np.array([a[2] for a in ABROAD])[where], HOME[2]) + rng.normal(0, 0.05, size=n)
    frame = pd.DataFrame(
        {
            "customer_id": customer,
            "merchant_id": merchant,
            "amount": amount,
            "timestamp": moments,
            "country": country,
            "latitude": lat,
            "longitude": lon,
            "kind": np.array([k.name for k in KINDS])[kind],
        }
    )
    return pd.concat([frame, _subscriptions(rng, kinds, shop_base, now_ts, days)], ignore_index=True)


def _subscriptions(rng: np.random.Generator, kinds: np.ndarray, shop_base: np.ndarray, now: pd.Timestamp, days: int):
    subscriber = np.flatnonzero(kinds == [k.name for k in KINDS].index("subscriber"))
    months = max(days // 30 - 1, 1)
    customer = np.repeat(subscriber, months)
    step = np.tile(np.arange(months), len(subscriber))
    price = np.round(rng.choice([4.99, 7.99, 9.99, 14.99], size=len(subscriber)), 2)
    first = rng.uniform(1, 28, size=len(subscriber))
    age_days = first[np.searchsorted(subscriber, customer)] + 30.44 * step
    return pd.DataFrame(
        {
            "customer_id": customer,
            "merchant_id": shop_base[customer],
            "amount": price[np.searchsorted(subscriber, customer)],
            "timestamp": (now - pd.to_timedelta(age_days, unit="D")).floor("h"),
            "country": HOME[0],
            "latitude": HOME[1],
            "longitude": HOME[2],
            "kind": "subscriber",
        }
    )[[*PAYMENT_COLUMNS, "kind"]]
