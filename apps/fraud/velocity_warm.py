"""Filling and invalidating the Redis velocity state in bulk, outside the scoring path.

Scoring hydrates an entity Redis does not hold from the payments table on its first payment
(`features_service._Pasts`), which costs that payment three history queries. After a
deployment, a Redis flush or a bulk import, most of the next hour's payments would pay it:
`manage.py rebuild_velocity` hydrates every customer, card and device active in the last days
up front, in chunks, so live traffic starts on a warm state. An import that writes payments of
entities Redis already holds forgets those entities (`velocity_forget`), since their stored
state no longer counts the imported history; they rehydrate on their next payment.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import redis
from django.db.models import Max

from apps.fraud.features_service import histories_by_entity, payment_histories
from apps.fraud.velocity_store import velocity_store, velocity_store_failed
from apps.orders.models import Payment
from ml.fraud.velocity import LONGEST_WINDOW_SECONDS

CHUNK = 500
"""Entities per history query and Redis transaction: bounded memory, a few hundred ms each."""


@dataclass(frozen=True)
class RebuildSummary:
    customers: int
    cards: int
    devices: int


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def velocity_rebuild(*, days: float = 7.0, progress: Callable[[int, int, str], None] | None = None) -> RebuildSummary | None:
    """Hydrate Redis with every customer, card and device that paid in the ``days`` up to the newest stored payment.

    Measured from the newest payment, not the clock, so a replayed or simulated history warms
    the entities its next payments will meet. None when Redis is not configured or down.
    """
    store = velocity_store()
    if store is None:
        return None
    newest = Payment.objects.aggregate(newest=Max("timestamp"))["newest"]
    if newest is None:
        return RebuildSummary(0, 0, 0)
    recent = Payment.objects.filter(timestamp__gte=newest - timedelta(days=days))
    active = {
        "customer": sorted(set(recent.values_list("customer__external_id", flat=True))),
        "card": sorted(set(recent.exclude(card_fingerprint="").values_list("card_fingerprint", flat=True))),
        "device": sorted(set(recent.exclude(device_id="").values_list("device_id", flat=True))),
    }
    since = newest - timedelta(days=days, seconds=LONGEST_WINDOW_SECONDS)
    total, done = sum(len(keys) for keys in active.values()), 0
    column = {"customer": 2, "card": 4, "device": 5}
    try:
        for kind, keys in active.items():
            for chunk in _chunks(keys, CHUNK):
                wanted = {name: set(chunk) if name == kind else set() for name in ("customer", "card", "device")}
                found = payment_histories(
                    customer_ids=wanted["customer"], card_ids=wanted["card"], device_ids=wanted["device"], since=since
                )
                histories = histories_by_entity(found[kind], column[kind], {})
                pasts = {key: histories[key].latest(customer=kind == "customer") for key in chunk if key in histories}
                store.hydrate(
                    customers=pasts if kind == "customer" else {},
                    cards=pasts if kind == "card" else {},
                    devices=pasts if kind == "device" else {},
                )
                done += len(chunk)
                if progress:
                    progress(done, total, f"{kind}s")
    except redis.RedisError as error:
        velocity_store_failed(error)
        return None
    return RebuildSummary(*(len(active[kind]) for kind in ("customer", "card", "device")))


def velocity_forget(*, customers: set[str], cards: set[str], devices: set[str]) -> None:
    """Drop these entities' Redis state (after history was written behind its back); a Redis error is logged."""
    store = velocity_store()
    if store is None or not (customers or cards or devices):
        return
    try:
        store.forget(customers=customers, cards=cards - {""}, devices=devices - {""})
    except redis.RedisError as error:
        velocity_store_failed(error)
