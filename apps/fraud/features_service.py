"""Live fraud features of incoming payments, each as of its own event time.

The velocity state of a payment's customer, card and device comes from Redis when Redis holds
it and nothing newer than the payment has been recorded there; otherwise (no Redis, Redis
down, or a backdated payment older than what Redis already holds) it is rebuilt from the
payments table as of the payment's timestamp, and the payment is marked `from_database`.
Payments of one batch see the earlier ones of the same batch, exactly as if they had arrived
one by one in time order. The arithmetic is `ml.fraud.features.features_from_snapshot`, run
once for the whole batch, the same code training runs over history; which prior events each
row sees is decided with array operations over the whole batch (`ml.fraud.live_batch`).
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import redis
from django.conf import settings

from apps.core.background import BackgroundReload
from apps.fraud.selectors import EPOCH, epoch_seconds, labelled_payments, payment_histories
from apps.fraud.velocity_store import (
    CustomerPast,
    EntityPast,
    RecordedPayment,
    RedisVelocityStore,
    velocity_store,
    velocity_store_failed,
)
from ml.fraud.features import features_from_snapshot
from ml.fraud.live_batch import ID_FIELDS, CustomerBase, Events, batch_snapshot, id_code
from ml.fraud.velocity import (
    AMOUNT_PROFILE_SIZE,
    DEFAULT_LABEL_DELAY_DAYS,
    LONGEST_WINDOW_SECONDS,
    SECONDS_PER_DAY,
    GeoPoint,
    LabelCounts,
    PaymentEvent,
)

# --- labels: merchant and category risk ------------------------------------------------------


class LabelIndex:
    """Labelled payments per merchant, category and platform as sorted event times with running fraud counts.

    A payment at time t counts the labels of payments at or before t minus the label delay,
    like `ml.fraud.features._visible_label_counts`: a binary search, not a query.
    """

    def __init__(self, rows: Sequence[tuple[str, str, float, bool]], *, delay_days: float = DEFAULT_LABEL_DELAY_DAYS):
        """`rows`: (merchant, category, epoch seconds, is_fraud) in time order (`labelled_payments`).

        Times and counts are gathered per group as arrays; the former three dictionary updates and
        a datetime conversion per labelled payment held the GIL for a quarter of a second per
        reload, which live requests in the same process waited out."""
        self.delay = delay_days * SECONDS_PER_DAY
        merchants, categories, times, frauds = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [], [])
        times_array = np.asarray(times, dtype=np.float64)
        fraud_array = np.asarray(frauds, dtype=np.int64)
        self._groups = {("platform", ""): (times_array, np.cumsum(fraud_array))} if rows else {}
        for kind, keys in (("merchant", merchants), ("category", categories)):
            positions: dict[str, list[int]] = {}
            for position, key in enumerate(keys):
                positions.setdefault(key, []).append(position)  # each group's rows keep their time order
            for key, rows_of in positions.items():
                if key:
                    self._groups[(kind, key)] = (times_array[rows_of], np.cumsum(fraud_array[rows_of]))

    def counts(self, kind: str, key: str, timestamp: float) -> LabelCounts:
        found = self._groups.get((kind, key))
        if found is None:
            return LabelCounts()
        times, cumulative = found
        visible = int(np.searchsorted(times, timestamp - self.delay, side="right"))
        return LabelCounts(labelled=visible, frauds=int(cumulative[visible - 1]) if visible else 0)

    def counts_many(self, kind: str, keys: Sequence[str], timestamps: np.ndarray) -> np.ndarray:
        """`counts` of many rows as a (rows, 2) array (labelled, frauds): one binary search per key and batch."""
        found = np.zeros((len(keys), 2))
        rows_of: dict[str, list[int]] = {}
        for row, key in enumerate(keys):
            rows_of.setdefault(key, []).append(row)
        for key, rows in rows_of.items():
            group = self._groups.get((kind, key))
            if group is None:
                continue
            times, cumulative = group
            visible = np.searchsorted(times, timestamps[rows] - self.delay, side="right")
            found[rows, 0] = visible
            found[rows, 1] = np.where(visible > 0, cumulative[np.maximum(visible - 1, 0)], 0)
        return found


_labels: tuple[float, LabelIndex] | None = None
_labels_lock = threading.Lock()


def label_index() -> LabelIndex:
    """The process's label index, refreshed every FRAUD_LABEL_REFRESH_SECONDS.

    Labels (analyst decisions, chargebacks) only count once they are a week older than the
    payment being scored, so minutes of staleness change no decision that matters. The
    first load is synchronous; later refreshes run in a background thread while requests keep
    using the previous index, so a reload never stalls scoring. A refresh interval of 0 (tests)
    reloads synchronously on every call.
    """
    cached = _labels
    refresh = settings.FRAUD_LABEL_REFRESH_SECONDS
    if cached is None or refresh <= 0:
        return _labels_load()
    if time.monotonic() - cached[0] >= refresh:
        _labels_reload.start()
    return cached[1]


def _labels_load() -> LabelIndex:
    global _labels
    with _labels_lock:
        index = LabelIndex(labelled_payments())
        _labels = (time.monotonic(), index)
    return index


_labels_reload = BackgroundReload("fraud-labels", _labels_load)


# --- pasts from the database -----------------------------------------------------------------


class _History:
    """One entity's stored payments in (timestamp, pk) order, as arrays (strings kept for the customer's seen sets)."""

    def __init__(self, records: list[tuple], codes: dict[str, int]) -> None:
        def code(value: str) -> int:
            found = codes.get(value)
            return found if found is not None else codes.setdefault(value, id_code(value))

        self.pks = np.array([r[0] for r in records], dtype=np.int64)
        self.times = np.array([epoch_seconds(r[1]) for r in records], dtype=np.float64)
        self.amounts = np.array([float(r[10]) for r in records], dtype=np.float64)
        # HISTORY_FIELDS order: merchant 3, card 4, device 5, ip 6; ID_FIELDS order: merchant, device, card, ip
        self.ids = np.array(
            [[code(r[3] or ""), code(r[5] or ""), code(r[4] or ""), code(r[6] or "")] for r in records], dtype=np.int64
        ).reshape(len(records), len(ID_FIELDS))
        self.devices = [r[5] or "" for r in records]
        self.cards = [r[4] or "" for r in records]
        self.countries = [r[7] or "" for r in records]
        self.geo = [(i, r[8], r[9]) for i, r in enumerate(records) if r[8] is not None and r[9] is not None]

    def events(self, start: int, stop: int) -> Events:
        return Events(
            pks=self.pks[start:stop],
            times=self.times[start:stop],
            amounts=self.amounts[start:stop],
            ids=self.ids[start:stop],
        )

    def prior(self, until: float) -> int:
        """How many stored payments are at or before ``until``."""
        return int(np.searchsorted(self.times, until, side="right"))

    def customer_past(self, until: float) -> CustomerPast:
        """As of ``until``: what `ml.fraud.velocity.retained` keeps (the last 7 days plus the newest 30) and the counters."""
        prior = self.prior(until)
        recent = int(np.searchsorted(self.times[:prior], until - LONGEST_WINDOW_SECONDS, side="right"))
        start = min(recent, max(prior - AMOUNT_PROFILE_SIZE, 0))
        located = [point for point in self.geo if point[0] < prior]
        geo = located[-1] if located else None
        base = CustomerBase(
            events=self.events(start, prior),
            count=prior,
            devices=frozenset(self.devices[:prior]) - {""},
            cards=frozenset(self.cards[:prior]) - {""},
            countries=frozenset(self.countries[:prior]) - {""},
            last_geo=None if geo is None else GeoPoint(float(self.times[geo[0]]), geo[1], geo[2]),
        )
        return CustomerPast(base=base, newest=float(self.times[prior - 1]) if prior else -math.inf)

    def entity_past(self, until: float) -> EntityPast:
        """A card's or device's payments in the 7 days up to ``until``."""
        prior = self.prior(until)
        start = int(np.searchsorted(self.times[:prior], until - LONGEST_WINDOW_SECONDS, side="right"))
        return EntityPast(events=self.events(start, prior), newest=float(self.times[prior - 1]) if prior else -math.inf)

    def latest(self, *, customer: bool) -> CustomerPast | EntityPast:
        """As of its newest stored payment: what Redis would hold had it seen them all."""
        until = float(self.times[-1]) if len(self.times) else 0.0
        return self.customer_past(until) if customer else self.entity_past(until)


_NO_HISTORY = _History([], {})


def histories_by_entity(records: list[tuple], key: int, codes: dict[str, int]) -> dict[str, _History]:
    """Stored payments grouped by the HISTORY_FIELDS column ``key`` (customer 2, card 4, device 5)."""
    groups: dict[str, list[tuple]] = {}
    for record in records:
        groups.setdefault(record[key] or "", []).append(record)
    return {entity: _History(rows, codes) for entity, rows in groups.items()}


# --- assembling pasts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveFeatures:
    """Feature rows in the payments' order, and which rows were computed from the database."""

    matrix: np.ndarray
    from_database: list[bool]


class _Pasts:
    """Each payment's customer, card and device past: Redis where it is current, else the database."""

    def __init__(self, payments: Sequence[PaymentEvent], store: RedisVelocityStore | None) -> None:
        self.payments = payments
        customers = {p.customer_id for p in payments}
        cards = {p.card_id for p in payments} - {""}
        devices = {p.device_id for p in payments} - {""}
        self.stored = None
        self.store = store
        if store is not None:
            try:
                self.stored = store.read(customers=customers, cards=cards, devices=devices)
            except redis.RedisError as error:
                velocity_store_failed(error)
                self.store = None
        self.from_database = [False] * len(payments)
        need: dict[str, set[str]] = {"customer": set(), "card": set(), "device": set()}
        for i, payment in enumerate(payments):
            for kind, key in (("customer", payment.customer_id), ("card", payment.card_id), ("device", payment.device_id)):
                if key and not self._current(kind, key, payment.timestamp):
                    need[kind].add(key)
                    self.from_database[i] |= self.stored is None or self._stored(kind, key) is not None
        self.histories: dict[str, dict[str, _History]] = {"customer": {}, "card": {}, "device": {}}
        if any(need.values()):
            since = min(p.timestamp for p in payments) - LONGEST_WINDOW_SECONDS
            found = payment_histories(
                customer_ids=need["customer"],
                card_ids=need["card"],
                device_ids=need["device"],
                since=EPOCH + timedelta(seconds=since),
            )
            codes: dict[str, int] = {}
            self.histories = {
                "customer": histories_by_entity(found["customer"], 2, codes),
                "card": histories_by_entity(found["card"], 4, codes),
                "device": histories_by_entity(found["device"], 5, codes),
            }
            self._hydrate(need)

    def _stored(self, kind: str, key: str):
        if self.stored is None:
            return None
        return {"customer": self.stored.customers, "card": self.stored.cards, "device": self.stored.devices}[kind].get(key)

    def _current(self, kind: str, key: str, timestamp: float) -> bool:
        past = self._stored(kind, key)
        return past is not None and past.newest <= timestamp

    def _hydrate(self, need: dict[str, set[str]]) -> None:
        """Copy entities Redis lacked into it, as of now (their newest stored payment)."""
        if self.store is None or self.stored is None:
            return
        missing = {kind: {key for key in keys if self._stored(kind, key) is None} for kind, keys in need.items()}
        try:
            self.store.hydrate(
                customers={key: self._history("customer", key).latest(customer=True) for key in missing["customer"]},
                cards={key: self._history("card", key).latest(customer=False) for key in missing["card"]},
                devices={key: self._history("device", key).latest(customer=False) for key in missing["device"]},
            )
        except redis.RedisError as error:
            velocity_store_failed(error)

    def _history(self, kind: str, key: str) -> _History:
        return self.histories[kind].get(key, _NO_HISTORY)

    def customer(self, payment: PaymentEvent) -> CustomerBase:
        if self._current("customer", payment.customer_id, payment.timestamp):
            return self.stored.customers[payment.customer_id].base
        return self._history("customer", payment.customer_id).customer_past(payment.timestamp).base

    def entity(self, kind: str, key: str, timestamp: float) -> Events:
        if not key:
            return _NO_EVENTS
        if self._current(kind, key, timestamp):
            return self._stored(kind, key).events
        return self._history(kind, key).entity_past(timestamp).events


_NO_EVENTS = Events()


def live_features(payments: Sequence[PaymentEvent]) -> LiveFeatures:
    """Features of new payments (none of them stored yet), in the given order."""
    store = velocity_store()
    pasts = _Pasts(payments, store)
    labels = label_index()
    times = np.array([p.timestamp for p in payments], dtype=np.float64)
    targets, past = batch_snapshot(
        payments,
        customers=[pasts.customer(p) for p in payments],
        cards=[pasts.entity("card", p.card_id, p.timestamp) for p in payments],
        devices=[pasts.entity("device", p.device_id, p.timestamp) for p in payments],
        merchant_labels=labels.counts_many("merchant", [p.merchant_id for p in payments], times),
        category_labels=labels.counts_many("category", [p.merchant_category for p in payments], times),
        platform_labels=labels.counts_many("platform", [""] * len(payments), times),
    )
    return LiveFeatures(
        matrix=features_from_snapshot(targets, past),
        from_database=[store is None or pasts.store is None or flag for flag in pasts.from_database],
    )


def velocity_record(payments: Sequence[RecordedPayment]) -> None:
    """Add stored payments to the live state (after their transaction committed); a Redis error is logged, not raised."""
    store = velocity_store()
    if store is None or not payments:
        return
    try:
        store.record(sorted(payments, key=lambda p: (p.event.timestamp, p.pk)))
    except redis.RedisError as error:
        velocity_store_failed(error)
