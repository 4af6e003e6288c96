"""Planted bot sessions for the demo and the benchmark: the automated traffic real storefronts get.

The marketplace simulator's "bot" archetype is a polite crawler (20-45 pages at ~2 s). Real
storefronts also see:

* scrapers: anonymous, 120-300 product pages at a fixed 0.4-0.8 s beat, each page a new product;
* cart hoarders: a shopper account putting 15-40 products in the cart without opening them,
  every 1-3 s (holding stock, probing prices), sometimes going on to checkout;
* slow crawlers: anonymous, 40-90 pages every 4-9 s with under 3% jitter: rate-limited to stay
  under a "too many events per minute" rule, but as regular as a clock.

Everything is seeded: the same seed and window give the same rows, and external ids depend on
the seed and position only, so planting twice (even on another day) adds nothing the second time.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

KINDS: tuple[str, ...] = ("scraper", "cart_hoarder", "slow_crawler")
KIND_SHARES = np.array([0.45, 0.25, 0.30])
EVENT_PREFIX = "BOT-EVT-"
SESSION_PREFIX = "BOT-SES-"
DEVICE_PREFIX = "BOT-DEV-"
COLUMNS = ["external_id", "merchant", "customer", "anonymous_id", "session_id", "type", "product", "timestamp", "kind"]


def plant_bot_sessions(
    *,
    sessions: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    products: Mapping[object, Sequence[object]],
    customers: Sequence[object] = (),
    seed: int = 11,
) -> pd.DataFrame:
    """Events of `sessions` bot sessions starting uniformly in [start, end - 1 h].

    products: merchant -> its product ids (a session stays on one merchant's storefront).
    customers: accounts cart hoarders log in with (without any, they browse anonymously).
    Returns COLUMNS; `kind` says which bot made the session (the benchmark's ground truth).
    """
    if sessions < 1:
        return pd.DataFrame(columns=COLUMNS)
    merchants = [merchant for merchant, items in products.items() if len(items)]
    if not merchants:
        raise ValueError("no merchant has products to plant bot sessions on")
    rng = np.random.default_rng(seed)
    span = max((end - start).total_seconds() - 3600, 1.0)
    parts = []
    for number in range(sessions):
        kind = KINDS[rng.choice(len(KINDS), p=KIND_SHARES)]
        merchant = merchants[rng.integers(len(merchants))]
        catalog = np.asarray(products[merchant], dtype=object)
        began = start + pd.Timedelta(seconds=float(rng.uniform(0, span)))
        session_id = f"{SESSION_PREFIX}{seed}-{number + 1:05d}"
        customer = None
        if kind == "scraper":
            types, items, interval, jitter = _scraper(rng, catalog)
        elif kind == "cart_hoarder":
            types, items, interval, jitter = _cart_hoarder(rng, catalog)
            customer = customers[rng.integers(len(customers))] if len(customers) else None
        else:
            types, items, interval, jitter = _slow_crawler(rng, catalog)
        gaps = interval * (1 + rng.uniform(-jitter, jitter, size=len(types)))
        gaps[0] = 0.0
        offsets = pd.to_timedelta(np.round(np.cumsum(gaps) * 1000).astype(np.int64), unit="ms")
        parts.append(pd.DataFrame({
            "merchant": merchant,
            "customer": customer,
            "anonymous_id": f"{DEVICE_PREFIX}{seed}-{number + 1:05d}",
            "session_id": session_id,
            "type": types,
            "product": items,
            "timestamp": began + offsets,
            "kind": kind,
        }))
    events = pd.concat(parts, ignore_index=True)
    events.insert(0, "external_id", [f"{EVENT_PREFIX}{seed}-{n + 1:08d}" for n in range(len(events))])
    return events[COLUMNS]


def _scraper(rng: np.random.Generator, catalog: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    count = int(rng.integers(120, 301))
    items = catalog[np.arange(count) % len(catalog)] if len(catalog) < count else rng.choice(catalog, size=count, replace=False)
    return np.full(count, "view", dtype=object), items, float(rng.uniform(0.4, 0.8)), 0.02


def _cart_hoarder(rng: np.random.Generator, catalog: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    count = int(rng.integers(15, 41))
    items = rng.choice(catalog, size=count, replace=len(catalog) < count)
    types = np.full(count, "add_to_cart", dtype=object)
    looked = rng.random(count) < 0.1  # an occasional page view, of some other product
    types[looked] = "view"
    items = items.copy()
    items[looked] = rng.choice(catalog, size=int(looked.sum()))
    if rng.random() < 0.4:
        types = np.append(types, "checkout")
        items = np.append(items, None)
    return types, items, float(rng.uniform(1.0, 3.0)), 0.05


def _slow_crawler(rng: np.random.Generator, catalog: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    count = int(rng.integers(40, 91))
    items = rng.choice(catalog, size=count, replace=len(catalog) < count)
    return np.full(count, "view", dtype=object), items, float(rng.uniform(4.0, 9.0)), 0.03
