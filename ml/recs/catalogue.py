"""The items a model knows, in the order every score vector uses, and what a shopper looks like to the sources."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml.recs.interactions import EVENT_WEIGHTS, HALF_LIFE_DAYS, event_weights, positive_events

CATEGORY_SEPARATOR = " > "


@dataclass(frozen=True)
class Catalogue:
    """Products as parallel arrays; position i is item i in every score vector and neighbour list."""

    ids: np.ndarray
    external_ids: np.ndarray
    titles: np.ndarray
    categories: np.ndarray
    merchants: np.ndarray
    available: np.ndarray
    """Active and in stock when trained; serving re-checks the items it is about to show."""
    index: dict[int, int] = field(repr=False)

    @classmethod
    def from_frame(cls, products: pd.DataFrame) -> Catalogue:
        """`products` columns: product (id), external_id, title, category (path or ""), merchant, optionally available."""
        products = products.sort_values("product", kind="stable").reset_index(drop=True)
        ids = products["product"].to_numpy(dtype=np.int64)
        return cls(
            ids=ids,
            external_ids=products["external_id"].astype(str).to_numpy(dtype=object),
            titles=products["title"].astype(str).to_numpy(dtype=object),
            categories=products["category"].fillna("").astype(str).to_numpy(dtype=object),
            merchants=products["merchant"].to_numpy(dtype=np.int64),
            available=(products["available"] if "available" in products else pd.Series(True, index=products.index))
            .fillna(True).to_numpy(dtype=bool),
            index={int(pk): i for i, pk in enumerate(ids)},
        )

    def __len__(self) -> int:
        return len(self.ids)

    def leaf(self, item: int) -> str:
        """The last part of an item's category path ("Mugs" for "Home > Drinkware > Mugs")."""
        return str(self.categories[item]).split(CATEGORY_SEPARATOR)[-1]


STRONGEST_FIRST = sorted(EVENT_WEIGHTS, key=EVENT_WEIGHTS.get, reverse=True)


@dataclass(frozen=True)
class Shopper:
    """One shopper as the sources see them: item indices into the catalogue, never database ids."""

    items: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Distinct items interacted with."""
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    """Summed decayed weight per item."""
    kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    """The strongest event type per item (purchase over cart over wishlist over view), for reasons."""
    purchased: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    session: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Items of the current session, most recent first."""
    segment: str | None = None

    @property
    def is_new(self) -> bool:
        return len(self.items) == 0 and len(self.session) == 0


TYPE_RANK = {kind: rank for rank, kind in enumerate(STRONGEST_FIRST)}


def shopper_build(
    items: np.ndarray,
    weights: np.ndarray,
    ranks: np.ndarray,
    *,
    session: np.ndarray | None = None,
    segment: str | None = None,
) -> Shopper:
    """A Shopper from per-event arrays: item index, decayed weight and type rank (TYPE_RANK) of each event."""
    session_items = np.asarray(session if session is not None else [], dtype=np.int64)
    if len(items) == 0:
        return Shopper(session=session_items, segment=segment)
    unique, inverse = np.unique(items, return_inverse=True)
    summed = np.bincount(inverse, weights=weights)
    best = np.full(len(unique), len(STRONGEST_FIRST), dtype=np.int64)
    np.minimum.at(best, inverse, ranks)
    purchase = TYPE_RANK["purchase"]
    return Shopper(
        items=unique,
        weights=summed,
        kinds=np.asarray(STRONGEST_FIRST, dtype=object)[best],
        purchased=np.unique(items[ranks == purchase]),
        session=session_items,
        segment=segment,
    )


def shopper_from_events(
    events: pd.DataFrame,
    catalogue: Catalogue,
    *,
    reference: pd.Timestamp,
    session_products: list[int] | tuple[int, ...] = (),
    segment: str | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
) -> Shopper:
    """Build a Shopper from their events (columns product, type, timestamp) and current session product ids."""
    known = positive_events(events.assign(customer=0))
    known = known.loc[known["product"].isin(catalogue.index.keys())]
    session = np.asarray([catalogue.index[p] for p in dict.fromkeys(session_products) if p in catalogue.index], dtype=np.int64)
    items = np.asarray([catalogue.index[p] for p in known["product"]], dtype=np.int64)
    weights = event_weights(known["type"], known["timestamp"], reference=reference, half_life_days=half_life_days)
    ranks = np.asarray([TYPE_RANK[kind] for kind in known["type"]], dtype=np.int64)
    return shopper_build(items, weights, ranks, session=session, segment=segment)
