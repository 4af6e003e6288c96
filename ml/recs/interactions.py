"""Implicit feedback: storefront events turned into one decayed weight per (shopper, item).

Nobody rates a mug; shoppers view, save, cart and buy it. Each kind of event counts for more the
more commitment it shows, and older events fade (a half-life), so last week's browsing outweighs
last spring's. Frames use the columns `customer`, `product`, `type`, `timestamp` (UTC).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

EVENT_WEIGHTS: dict[str, float] = {
    "view": 1.0,
    "click": 1.0,
    "wishlist": 2.0,
    "add_to_cart": 3.0,
    "purchase": 5.0,
}
"""Event types that say a shopper likes an item, and how strongly. Others (searches, removals, impressions) are ignored."""
HALF_LIFE_DAYS = 30.0
"""An interaction counts half as much after a month: tastes drift, seasons change."""


def event_weights(types: pd.Series, timestamps: pd.Series, *, reference: pd.Timestamp, half_life_days: float) -> np.ndarray:
    """Weight of each event: its type's weight times 0.5 ** (age in days / half-life); future events count fully."""
    base = types.map(EVENT_WEIGHTS).fillna(0.0).to_numpy(dtype=np.float64)
    age_days = ((reference - pd.to_datetime(timestamps, utc=True)).dt.total_seconds().to_numpy() / 86400.0).clip(min=0.0)
    return base * np.power(0.5, age_days / half_life_days)


def positive_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events that express interest in a known item (a product and a positive type)."""
    keep = events["type"].isin(EVENT_WEIGHTS.keys()) & events["product"].notna() & events["customer"].notna()
    return events.loc[keep]


@dataclass(frozen=True)
class InteractionMatrix:
    """Shoppers x items, one decayed weight per pair. Rows follow `users`, columns the model's item order."""

    users: np.ndarray
    matrix: sparse.csr_matrix

    @property
    def user_index(self) -> dict[int, int]:
        return {int(user): row for row, user in enumerate(self.users)}


def interaction_matrix(
    events: pd.DataFrame, item_index: dict[int, int], *, reference: pd.Timestamp, half_life_days: float = HALF_LIFE_DAYS
) -> InteractionMatrix:
    """Sum the decayed event weights per (shopper, item); items outside `item_index` are dropped."""
    events = positive_events(events)
    columns = events["product"].map(item_index)
    events = events.loc[columns.notna()]
    columns = columns.loc[events.index].to_numpy(dtype=np.int64)
    users, rows = np.unique(events["customer"].to_numpy(dtype=np.int64), return_inverse=True)
    weights = event_weights(events["type"], events["timestamp"], reference=reference, half_life_days=half_life_days)
    matrix = sparse.csr_matrix((weights, (rows, columns)), shape=(len(users), len(item_index)), dtype=np.float64)
    matrix.sum_duplicates()
    return InteractionMatrix(users=users, matrix=matrix.astype(np.float32))
