"""Snapshots of a whole batch of live payments, built with array operations instead of per-row Python.

A live payment's past is what the velocity state held just before it (its customer's, card's
and device's prior payments, as :class:`Events` arrays) plus the payments of the same batch
that come earlier in (timestamp, batch position) order: a batch must score exactly as if its
payments had arrived one by one. :func:`batch_snapshot` turns those into the
:class:`~ml.fraud.features.PriorSnapshot` that :func:`~ml.fraud.features.features_from_snapshot`
reads, the arithmetic training runs too; so the only thing this module decides is *which*
events each row sees and in which order (newest first; among equal timestamps the later
recorded first, as :func:`ml.fraud.features.features_for_payment` orders them).

Ids (merchant, device, card, IP) of prior payments are kept as 63-bit codes
(:func:`id_code`, BLAKE2b) so the live state can hold them in fixed-width binary and decode a
whole sorted set with one ``numpy.frombuffer``. The features only ask whether two ids are
equal (distinct counts), and two different ids share a code with probability about 2^-63.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from hashlib import blake2b

import numpy as np

from ml.fraud.features import PriorSnapshot, Targets
from ml.fraud.velocity import GeoPoint, PaymentEvent

ID_FIELDS = ("merchant_id", "device_id", "card_id", "ip_address")
"""The id columns of a customer's prior payments, in the order of ``Events.ids``."""
UNKNOWN_ID = -1


def id_code(value: str) -> int:
    """A stable non-negative 63-bit code of an id ("" -> -1, the features' "unknown")."""
    if not value:
        return UNKNOWN_ID
    return int.from_bytes(blake2b(value.encode(), digest_size=8).digest(), "big") >> 1


def _empty_ids(n: int = 0) -> np.ndarray:
    return np.full((n, len(ID_FIELDS)), UNKNOWN_ID, dtype=np.int64)


@dataclass(frozen=True)
class Events:
    """Prior payments in recording ((timestamp, pk)) order: pks, times, amounts and id codes (rows, 4)."""

    pks: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    times: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    amounts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    ids: np.ndarray = field(default_factory=_empty_ids)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def newest(self) -> float:
        return float(self.times.max()) if len(self.times) else -np.inf


@dataclass(frozen=True)
class CustomerBase:
    """A customer's past before the batch: retained events and the all-time counters."""

    events: Events = field(default_factory=Events)
    count: int = 0
    devices: frozenset[str] = frozenset()
    cards: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    last_geo: GeoPoint | None = None


def batch_snapshot(
    payments: Sequence[PaymentEvent],
    *,
    customers: Sequence[CustomerBase],
    cards: Sequence[Events],
    devices: Sequence[Events],
    merchant_labels: np.ndarray,
    category_labels: np.ndarray,
    platform_labels: np.ndarray,
) -> tuple[Targets, PriorSnapshot]:
    """Targets and snapshot of every payment of a batch (row i: ``payments[i]`` with bases ``customers[i]`` ...).

    Bases are each entity's past as of that payment, without the batch; label arrays are
    (rows, 2) labelled / frauds counts already restricted to labels visible at the row's time.
    """
    n = len(payments)
    times = np.array([p.timestamp for p in payments], dtype=np.float64)
    amounts = np.array([float(p.amount) for p in payments], dtype=np.float64)
    codes: dict[str, int] = {}
    ids = np.array(
        [[codes.get(v) or codes.setdefault(v, id_code(v)) for v in (getattr(p, f) for f in ID_FIELDS)] for p in payments],
        dtype=np.int64,
    ).reshape(n, len(ID_FIELDS))
    order = np.lexsort((np.arange(n), times))
    batch = Events(pks=np.arange(n, dtype=np.int64), times=times, amounts=amounts, ids=ids)

    customer_age, customer_amount, customer_ids = _padded_past(
        times, [c.events for c in customers], _earlier(payments, order, "customer_id"), batch
    )
    card_age, card_amount, _ = _padded_past(times, cards, _earlier(payments, order, "card_id"), batch)
    device_age, device_amount, _ = _padded_past(times, devices, _earlier(payments, order, "device_id"), batch)
    scalars = _customer_scalars(payments, customers, order)

    targets = Targets(
        timestamp=times,
        amount=amounts,
        latitude=np.array([np.nan if p.latitude is None else p.latitude for p in payments], dtype=np.float64),
        longitude=np.array([np.nan if p.longitude is None else p.longitude for p in payments], dtype=np.float64),
        country=np.array([p.country for p in payments], dtype=object),
        billing_country=np.array([p.billing_country for p in payments], dtype=object),
    )
    past = PriorSnapshot(
        customer_age=customer_age,
        customer_amount=customer_amount,
        customer_merchant=customer_ids[:, :, 0],
        customer_device=customer_ids[:, :, 1],
        customer_card=customer_ids[:, :, 2],
        customer_ip=customer_ids[:, :, 3],
        card_age=card_age,
        card_amount=card_amount,
        device_age=device_age,
        device_amount=device_amount,
        merchant_labels=np.asarray(merchant_labels, dtype=np.float64).reshape(n, 2),
        category_labels=np.asarray(category_labels, dtype=np.float64).reshape(n, 2),
        platform_labels=np.asarray(platform_labels, dtype=np.float64).reshape(n, 2),
        **scalars,
    )
    return targets, past


def _earlier(payments: Sequence[PaymentEvent], order: np.ndarray, key: str) -> list[list[int]]:
    """For each row, the rows of the batch with the same (non-empty) key that come before it, in batch order."""
    seen: dict[str, list[int]] = {}
    earlier: list[list[int]] = [[] for _ in payments]
    for i in order.tolist():
        value = getattr(payments[i], key)
        if not value:
            continue
        group = seen.setdefault(value, [])
        earlier[i] = list(group)
        group.append(i)
    return earlier


def _padded_past(
    times: np.ndarray, bases: Sequence[Events], earlier: list[list[int]], batch: Events
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, k) ages and amounts and (rows, k, 4) id codes, newest first, NaN / 0 / -1 padded.

    Each row's events are its base (recording order) followed by its earlier batch rows; they
    are ordered newest first by timestamp, then by that position, latest first, with one
    lexsort over all rows at once.
    """
    n = len(times)
    base_lengths = np.array([len(b) for b in bases], dtype=np.int64)
    earlier_lengths = np.array([len(e) for e in earlier], dtype=np.int64)
    lengths = base_lengths + earlier_lengths
    width = int(lengths.max()) if n else 0
    age = np.full((n, width), np.nan)
    amount = np.zeros((n, width))
    ids = _empty_ids(n * width).reshape(n, width, len(ID_FIELDS))
    if not width:
        return age, amount, ids
    sources = [b for b in bases if len(b)]
    flat_batch = np.array([j for rows in earlier for j in rows], dtype=np.int64)
    event_times = np.concatenate([*(b.times for b in sources), batch.times[flat_batch]])
    event_amounts = np.concatenate([*(b.amounts for b in sources), batch.amounts[flat_batch]])
    event_ids = np.concatenate([*(b.ids for b in sources), batch.ids[flat_batch]])
    rows = np.r_[np.repeat(np.arange(n), base_lengths), np.repeat(np.arange(n), earlier_lengths)]
    base_starts = np.cumsum(base_lengths) - base_lengths
    earlier_starts = np.cumsum(earlier_lengths) - earlier_lengths
    total_base = int(base_lengths.sum())
    sequence = np.r_[
        np.arange(total_base) - np.repeat(base_starts, base_lengths),
        np.repeat(base_lengths, earlier_lengths) + np.arange(len(flat_batch)) - np.repeat(earlier_starts, earlier_lengths),
    ]
    ranked = np.lexsort((-sequence, -event_times, rows))
    rows = rows[ranked]
    position = np.arange(len(rows)) - (np.cumsum(lengths) - lengths)[rows]
    age[rows, position] = times[rows] - event_times[ranked]
    amount[rows, position] = event_amounts[ranked]
    ids[rows, position] = event_ids[ranked]
    return age, amount, ids


def _customer_scalars(payments: Sequence[PaymentEvent], customers: Sequence[CustomerBase], order: np.ndarray) -> dict:
    """Counts, new-device/card/country flags and the previous geolocated point, batch rows included."""
    n = len(payments)
    count = np.zeros(n, dtype=np.int64)
    device_new, card_new, country_new = (np.zeros(n, dtype=bool) for _ in range(3))
    geo_age, geo_lat, geo_lon = (np.full(n, np.nan) for _ in range(3))
    # per customer: payments of the batch so far, the devices, cards and countries they used, their last geo point
    running: dict[str, tuple[int, set[str], set[str], set[str], GeoPoint | None]] = {}
    for i in order.tolist():
        p, base = payments[i], customers[i]
        extra, devices, cards, countries, batch_geo = running.get(p.customer_id, (0, set(), set(), set(), None))
        count[i] = base.count + extra
        device_new[i] = bool(p.device_id) and p.device_id not in base.devices and p.device_id not in devices
        card_new[i] = bool(p.card_id) and p.card_id not in base.cards and p.card_id not in cards
        country_new[i] = bool(p.country) and p.country not in base.countries and p.country not in countries
        geo = batch_geo or base.last_geo
        if geo is not None:
            geo_age[i], geo_lat[i], geo_lon[i] = p.timestamp - geo.timestamp, geo.latitude, geo.longitude
        for seen, value in ((devices, p.device_id), (cards, p.card_id), (countries, p.country)):
            if value:
                seen.add(value)
        if p.latitude is not None and p.longitude is not None:
            batch_geo = GeoPoint(p.timestamp, p.latitude, p.longitude)
        running[p.customer_id] = (extra + 1, devices, cards, countries, batch_geo)
    return {
        "customer_payment_count": count,
        "device_is_new": device_new,
        "card_is_new": card_new,
        "country_is_new": country_new,
        "previous_geo_age": geo_age,
        "previous_latitude": geo_lat,
        "previous_longitude": geo_lon,
    }
