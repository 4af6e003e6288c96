"""Planted marketplace abuse with known truth: collusion rings and scalper groups.

Two uses: `ring_world` builds a whole synthetic marketplace (busy shops, households that share a
card or a device innocently, NAT'd IPs, fans who review everything five stars) with rings planted
in it, for the ring detector's tests and benchmark; `ring_activity` and `scalper_activity` give the
purchases of one ring or one scalper group, which the demo command writes into the demo data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from ml.simulate.ids import random_hex_ids

_RATINGS = np.array([1, 2, 3, 4, 5])
_GENUINE_RATING_P = np.array([0.05, 0.05, 0.12, 0.28, 0.50])


@dataclass(frozen=True)
class PlantedRing:
    seller_id: int
    buyer_ids: list[int]


@dataclass
class RingWorld:
    orders: pd.DataFrame
    """order_id, buyer_id, seller_id, placed_at"""
    identities: pd.DataFrame
    """buyer_id, kind (card/device/ip), value: one row per order"""
    reviews: pd.DataFrame
    """buyer_id, seller_id, rating"""
    rings: list[PlantedRing]


def ring_activity(
    rng: np.random.Generator, *, size: int, orders_per_buyer: tuple[int, int], start: datetime, days: int, pattern: str
) -> pd.DataFrame:
    """Purchases of one ring: account (0..size-1), placed_at, card_fingerprint, device_id, ip_address, rating.

    pattern: "card" (one card for all, own devices), "device" (own cards, one device), "both".
    Nearly every order gets a five-star review, the point of the ring.
    """
    shared_card = random_hex_ids(rng, "fp_", 1)[0]
    shared_device = random_hex_ids(rng, "dev-", 1)[0]
    own_cards = random_hex_ids(rng, "fp_", size)
    own_devices = random_hex_ids(rng, "dev-", size)
    ips = [f"10.{rng.integers(0, 255)}.{rng.integers(0, 255)}.{rng.integers(1, 254)}" for _ in range(2)]
    rows = []
    for account in range(size):
        for _ in range(int(rng.integers(orders_per_buyer[0], orders_per_buyer[1] + 1))):
            rows.append({
                "account": account,
                "placed_at": start + timedelta(days=float(rng.uniform(0, days))),
                "card_fingerprint": shared_card if pattern in ("card", "both") else own_cards[account],
                "device_id": shared_device if pattern in ("device", "both") else own_devices[account],
                "ip_address": ips[int(rng.integers(0, 2))],
                "rating": 5 if rng.random() < 0.9 else None,
            })
    return pd.DataFrame(rows)


def scalper_activity(
    rng: np.random.Generator, *, accounts: int, units_per_account: int, start: datetime, hours: float
) -> pd.DataFrame:
    """Purchases of one scalper group: account, placed_at, quantity, card_fingerprint, device_id, ip_address.

    The accounts pay with two cards between them from one device, all within `hours` of `start`.
    """
    cards = random_hex_ids(rng, "fp_", 2)
    device = random_hex_ids(rng, "dev-", 1)[0]
    return pd.DataFrame([
        {
            "account": account,
            "placed_at": start + timedelta(hours=float(rng.uniform(0, hours))),
            "quantity": units_per_account,
            "card_fingerprint": cards[account % 2],
            "device_id": device,
            "ip_address": f"10.9.{rng.integers(0, 255)}.{rng.integers(1, 254)}",
        }
        for account in range(accounts)
    ])


def ring_world(
    *,
    seed: int = 7,
    buyers: int = 3000,
    sellers: int = 30,
    rings: int = 12,
    households: int = 120,
    fans: int = 40,
    days: int = 120,
    start: datetime = datetime(2026, 1, 1),
) -> RingWorld:
    """A marketplace of `buyers` genuine shoppers and `rings` planted rings, with decoys that make
    naive grouping fail: households sharing a card or a device (ordering like anyone else), buyers
    behind shared NAT addresses, and `fans` households who order and review one favourite shop."""
    rng = np.random.default_rng(seed)
    popularity = 1 / np.arange(1, sellers + 1) ** 0.9
    popularity /= popularity.sum()
    cards = random_hex_ids(rng, "fp_", buyers).tolist()
    devices = random_hex_ids(rng, "dev-", buyers).tolist()
    ips = [f"81.{rng.integers(0, 255)}.{rng.integers(0, 255)}.{rng.integers(1, 254)}" for _ in range(buyers)]
    nat_pool = [f"100.64.0.{i}" for i in range(1, 21)]
    for b in rng.choice(buyers, size=buyers // 10, replace=False):
        ips[b] = nat_pool[int(rng.integers(0, len(nat_pool)))]
    heads = rng.choice(buyers, size=households + fans, replace=False)
    favourite: dict[int, int] = {}
    taken = set(heads.tolist())
    for index, head in enumerate(heads):
        pool = np.setdiff1d(np.arange(buyers), np.fromiter(taken, dtype=int))
        members = rng.choice(pool, size=int(rng.integers(1, 3)), replace=False)
        taken.update(members.tolist())
        share_card = rng.random() < 0.5
        for member in members:
            if share_card:
                cards[member] = cards[head]
            else:
                devices[member] = devices[head]
        if index >= households:  # a fan household: one favourite shop, and generous reviews
            shop = int(rng.choice(sellers, p=popularity))
            for member in [head, *members]:
                favourite[int(member)] = shop
    orders, identities, reviews = [], [], []

    def add(buyer: int, seller: int, when: datetime, card: str, device: str, ip: str, rating: int | None) -> None:
        order_id = len(orders)
        orders.append((order_id, buyer, seller, when))
        identities.extend([(buyer, "card", card), (buyer, "device", device), (buyer, "ip", ip)])
        if rating is not None:
            reviews.append((buyer, seller, rating))

    for buyer in range(buyers):
        for _ in range(1 + int(rng.poisson(2))):
            fan = buyer in favourite and rng.random() < 0.8
            seller = favourite[buyer] if fan else int(rng.choice(sellers, p=popularity))
            rating = None
            if rng.random() < (0.7 if fan else 0.3):
                rating = 5 if fan and rng.random() < 0.8 else int(rng.choice(_RATINGS, p=_GENUINE_RATING_P))
            when = start + timedelta(days=float(rng.uniform(0, days)))
            add(buyer, seller, when, cards[buyer], devices[buyer], ips[buyer], rating)
    planted = []
    patterns = ("card", "device", "both")
    for ring in range(rings):
        seller = int(rng.integers(0, sellers))
        size = int(rng.integers(2, 7))
        activity = ring_activity(
            rng, size=size, orders_per_buyer=(3, 8), start=start, days=days, pattern=patterns[ring % len(patterns)]
        )
        first = buyers + sum(len(r.buyer_ids) for r in planted)
        for row in activity.itertuples(index=False):
            add(first + row.account, seller, row.placed_at, row.card_fingerprint, row.device_id, row.ip_address,
                None if pd.isna(row.rating) else int(row.rating))
        planted.append(PlantedRing(seller_id=seller, buyer_ids=list(range(first, first + size))))
    return RingWorld(
        orders=pd.DataFrame(orders, columns=["order_id", "buyer_id", "seller_id", "placed_at"]),
        identities=pd.DataFrame(identities, columns=["buyer_id", "kind", "value"]),
        reviews=pd.DataFrame(reviews, columns=["buyer_id", "seller_id", "rating"]),
        rings=planted,
    )
