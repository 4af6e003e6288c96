"""Live fraud features of incoming payments, each as of its own event time.

The velocity state of a payment's customer, card and device comes from Redis when Redis holds
it and nothing newer than the payment has been recorded there; otherwise (no Redis, Redis
down, or a backdated payment older than what Redis already holds) it is rebuilt from the
payments table as of the payment's timestamp, and the payment is marked `from_database`.
Payments of one batch see the earlier ones of the same batch, exactly as if they had arrived
one by one in time order. The arithmetic is `ml.fraud.features.features_from_snapshot`, run
once for the whole batch, the same code training runs over history.
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import redis
from django.conf import settings
from django.db import connections

from apps.fraud.selectors import labelled_payments, payment_histories
from apps.fraud.velocity_store import (
    CustomerPast,
    EntityPast,
    RecordedPayment,
    RedisVelocityStore,
    velocity_store,
    velocity_store_failed,
)
from ml.fraud.features import PriorSnapshot, Targets, features_from_snapshot
from ml.fraud.velocity import (
    AMOUNT_PROFILE_SIZE,
    DEFAULT_LABEL_DELAY_DAYS,
    LONGEST_WINDOW_SECONDS,
    SECONDS_PER_DAY,
    GeoPoint,
    InMemoryVelocityStore,
    LabelCounts,
    PaymentEvent,
    PriorEvent,
    VelocityState,
    retained,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def epoch_seconds(moment: datetime) -> float:
    """Same float as `ml.fraud.velocity.to_epoch_seconds` (whole microseconds / 1e6), without pandas."""
    return ((moment - EPOCH) // MICROSECOND) / 1e6


# --- labels: merchant and category risk ------------------------------------------------------


class LabelIndex:
    """Labelled payments per merchant, category and platform as sorted event times with running fraud counts.

    A payment at time t counts the labels of payments at or before t minus the label delay,
    like `ml.fraud.features._visible_label_counts`: a binary search, not a query.
    """

    def __init__(self, rows: Sequence[tuple[str, str, datetime, bool]], *, delay_days: float = DEFAULT_LABEL_DELAY_DAYS):
        self.delay = delay_days * SECONDS_PER_DAY
        grouped: dict[tuple[str, str], tuple[list[float], list[int]]] = {}
        for merchant, category, timestamp, is_fraud in rows:
            ts = epoch_seconds(timestamp)
            for group in (("merchant", merchant), ("category", category), ("platform", "")):
                if group[0] != "platform" and not group[1]:
                    continue
                times, frauds = grouped.setdefault(group, ([], []))
                times.append(ts)
                frauds.append(int(is_fraud))
        self._groups = {key: (np.asarray(times), np.cumsum(frauds)) for key, (times, frauds) in grouped.items()}

    def counts(self, kind: str, key: str, timestamp: float) -> LabelCounts:
        found = self._groups.get((kind, key))
        if found is None:
            return LabelCounts()
        times, cumulative = found
        visible = int(np.searchsorted(times, timestamp - self.delay, side="right"))
        return LabelCounts(labelled=visible, frauds=int(cumulative[visible - 1]) if visible else 0)


_labels: tuple[float, LabelIndex] | None = None
_labels_lock = threading.Lock()
_labels_refreshing = threading.Event()


def label_index() -> LabelIndex:
    """The process's label index, refreshed every FRAUD_LABEL_REFRESH_SECONDS.

    Labels (analyst decisions, chargebacks) only count once they are a week older than the
    payment being scored, so a minute of staleness changes no decision that matters. The
    first load is synchronous; later refreshes run in a background thread while requests keep
    using the previous index, so a reload never stalls scoring. A refresh interval of 0 (tests)
    reloads synchronously on every call.
    """
    cached = _labels
    refresh = settings.FRAUD_LABEL_REFRESH_SECONDS
    if cached is None or refresh <= 0:
        return _labels_load()
    if time.monotonic() - cached[0] >= refresh and not _labels_refreshing.is_set():
        _labels_refreshing.set()
        threading.Thread(target=_labels_refresh_in_background, daemon=True, name="fraud-labels").start()
    return cached[1]


def _labels_load() -> LabelIndex:
    global _labels
    with _labels_lock:
        index = LabelIndex(labelled_payments())
        _labels = (time.monotonic(), index)
    return index


def _labels_refresh_in_background() -> None:
    try:
        _labels_load()
    finally:
        _labels_refreshing.clear()
        connections.close_all()


# --- pasts from the database -----------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A stored payment as the velocity state sees it."""

    pk: int
    customer_id: str
    event: PriorEvent
    country: str
    latitude: float | None
    longitude: float | None


def _rows(records: list[tuple]) -> list[_Row]:
    rows = []
    for pk, timestamp, customer, merchant, card, device, ip, country, latitude, longitude, amount in records:
        event = PriorEvent(
            timestamp=epoch_seconds(timestamp),
            amount=float(amount),
            merchant_id=merchant,
            device_id=device or "",
            card_id=card or "",
            ip_address=ip or "",
        )
        rows.append(_Row(pk, customer, event, country or "", latitude, longitude))
    return rows


def _customer_past(rows: list[_Row], until: float) -> tuple[CustomerPast, list[int]]:
    """A customer's past as of ``until`` (payments at or before it), with the retained events' pks."""
    prior = [row for row in rows if row.event.timestamp <= until]
    kept = retained([row.event for row in prior], until, keep_last=AMOUNT_PROFILE_SIZE)
    kept_rows = prior[len(prior) - len(kept) :] if kept else []
    located = [row for row in prior if row.latitude is not None and row.longitude is not None]
    geo = located[-1] if located else None
    past = CustomerPast(
        events=tuple(kept),
        count=len(prior),
        devices=frozenset(row.event.device_id for row in prior if row.event.device_id),
        cards=frozenset(row.event.card_id for row in prior if row.event.card_id),
        countries=frozenset(row.country for row in prior if row.country),
        last_geo=None if geo is None else GeoPoint(geo.event.timestamp, geo.latitude, geo.longitude),
        newest=prior[-1].event.timestamp if prior else -math.inf,
    )
    return past, [row.pk for row in kept_rows]


def _entity_past(rows: list[_Row], until: float) -> tuple[EntityPast, list[int]]:
    prior = [row for row in rows if until - LONGEST_WINDOW_SECONDS < row.event.timestamp <= until]
    return (
        EntityPast(events=tuple(row.event for row in prior), newest=prior[-1].event.timestamp if prior else -math.inf),
        [row.pk for row in prior],
    )


def _grouped(rows: list[_Row], key) -> dict[str, list[_Row]]:
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


# --- assembling states -------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveFeatures:
    """Feature rows in the payments' order, and which rows were computed from the database."""

    matrix: np.ndarray
    from_database: list[bool]


def _state(
    payment: PaymentEvent, customer: CustomerPast, card: EntityPast, device: EntityPast, labels: LabelIndex
) -> VelocityState:
    t = payment.timestamp
    return VelocityState(
        customer_events=customer.events,
        card_events=card.events,
        device_events=device.events,
        customer_payment_count=customer.count,
        seen_devices=customer.devices,
        seen_cards=customer.cards,
        seen_countries=customer.countries,
        last_geo=customer.last_geo,
        merchant_labels=labels.counts("merchant", payment.merchant_id, t),
        category_labels=labels.counts("category", payment.merchant_category, t),
        platform_labels=labels.counts("platform", "", t),
    )


def _with_batch(base: VelocityState, earlier: VelocityState) -> VelocityState:
    """`base` (stored past) followed by the earlier payments of the same batch."""
    return VelocityState(
        customer_events=base.customer_events + earlier.customer_events,
        card_events=base.card_events + earlier.card_events,
        device_events=base.device_events + earlier.device_events,
        customer_payment_count=base.customer_payment_count + earlier.customer_payment_count,
        seen_devices=base.seen_devices | earlier.seen_devices,
        seen_cards=base.seen_cards | earlier.seen_cards,
        seen_countries=base.seen_countries | earlier.seen_countries,
        last_geo=earlier.last_geo or base.last_geo,
        merchant_labels=base.merchant_labels,
        category_labels=base.category_labels,
        platform_labels=base.platform_labels,
    )


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
        self.rows = {"customer": {}, "card": {}, "device": {}}
        if any(need.values()):
            since = min(p.timestamp for p in payments) - LONGEST_WINDOW_SECONDS
            found = payment_histories(
                customer_ids=need["customer"],
                card_ids=need["card"],
                device_ids=need["device"],
                since=EPOCH + timedelta(seconds=since),
            )
            self.rows = {
                "customer": _grouped(_rows(found["customer"]), lambda row: row.customer_id),
                "card": _grouped(_rows(found["card"]), lambda row: row.event.card_id),
                "device": _grouped(_rows(found["device"]), lambda row: row.event.device_id),
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
                customers={key: self._latest(_customer_past, "customer", key) for key in missing["customer"]},
                cards={key: self._latest(_entity_past, "card", key) for key in missing["card"]},
                devices={key: self._latest(_entity_past, "device", key) for key in missing["device"]},
            )
        except redis.RedisError as error:
            velocity_store_failed(error)

    def _latest(self, past_of, kind: str, key: str):
        """The entity's past as of its newest stored payment: what Redis would hold had it seen them all."""
        rows = self.rows[kind].get(key, [])
        return past_of(rows, rows[-1].event.timestamp if rows else 0.0)

    def customer(self, payment: PaymentEvent) -> CustomerPast:
        if self._current("customer", payment.customer_id, payment.timestamp):
            return self.stored.customers[payment.customer_id]
        return _customer_past(self.rows["customer"].get(payment.customer_id, []), payment.timestamp)[0]

    def entity(self, kind: str, key: str, timestamp: float) -> EntityPast:
        if not key:
            return EntityPast()
        if self._current(kind, key, timestamp):
            return self._stored(kind, key)
        return _entity_past(self.rows[kind].get(key, []), timestamp)[0]


def live_features(payments: Sequence[PaymentEvent]) -> LiveFeatures:
    """Features of new payments (none of them stored yet), in the given order."""
    store = velocity_store()
    pasts = _Pasts(payments, store)
    labels = label_index()
    batch = InMemoryVelocityStore()
    states: list[VelocityState | None] = [None] * len(payments)
    for i in sorted(range(len(payments)), key=lambda i: (payments[i].timestamp, i)):
        payment = payments[i]
        base = _state(
            payment,
            pasts.customer(payment),
            pasts.entity("card", payment.card_id, payment.timestamp),
            pasts.entity("device", payment.device_id, payment.timestamp),
            labels,
        )
        states[i] = _with_batch(base, batch.state_for(payment))
        batch.record(payment)
    return LiveFeatures(
        matrix=feature_matrix(payments, states),
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


# --- the feature matrix --------------------------------------------------------------------------


class _Codes:
    """Integer codes equal exactly when the ids are; "" is -1 (as `ml.fraud.features._codes`)."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def __call__(self, value: str) -> int:
        return self._codes.setdefault(value, len(self._codes)) if value else -1


def _newest_first(events: tuple[PriorEvent, ...]) -> list[PriorEvent]:
    """Recording order -> newest first; of equal timestamps the later-recorded comes first."""
    return [events[i] for i in sorted(range(len(events)), key=lambda i: (events[i].timestamp, i), reverse=True)]


def _padded(rows: list[list[float]], fill: float, dtype=np.float64) -> np.ndarray:
    width = max((len(row) for row in rows), default=0)
    matrix = np.full((len(rows), width), fill, dtype=dtype)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    return matrix


def feature_matrix(payments: Sequence[PaymentEvent], states: Sequence[VelocityState]) -> np.ndarray:
    """(rows, FEATURE_NAMES) for payments with their states, in one `features_from_snapshot` call.

    Builds the same snapshot as `ml.fraud.features.features_for_payment`, one row per payment,
    padded as the batch path pads (NaN ages, zero amounts, -1 codes), which the arithmetic ignores.
    """
    codes = {field: _Codes() for field in ("merchant_id", "device_id", "card_id", "ip_address")}
    ordered = {
        entity: [_newest_first(getattr(state, f"{entity}_events")) for state in states]
        for entity in ("customer", "card", "device")
    }
    times = np.array([p.timestamp for p in payments], dtype=np.float64)
    pairs = list(zip(payments, states, strict=True))

    def ages(entity: str) -> np.ndarray:
        return _padded([[t - e.timestamp for e in events] for t, events in zip(times, ordered[entity], strict=True)], np.nan)

    def amounts(entity: str) -> np.ndarray:
        return _padded([[e.amount for e in events] for events in ordered[entity]], 0.0)

    def customer_codes(field: str) -> np.ndarray:
        return _padded([[codes[field](getattr(e, field)) for e in events] for events in ordered["customer"]], -1, np.int64)

    def geo(attribute: str) -> np.ndarray:
        return np.array([np.nan if s.last_geo is None else getattr(s.last_geo, attribute) for s in states])

    def labels(name: str) -> np.ndarray:
        return np.array([[getattr(s, name).labelled, getattr(s, name).frauds] for s in states], dtype=np.float64).reshape(
            len(states), 2
        )

    targets = Targets(
        timestamp=times,
        amount=np.array([float(p.amount) for p in payments], dtype=np.float64),
        latitude=np.array([np.nan if p.latitude is None else p.latitude for p in payments], dtype=np.float64),
        longitude=np.array([np.nan if p.longitude is None else p.longitude for p in payments], dtype=np.float64),
        country=np.array([p.country for p in payments], dtype=object),
        billing_country=np.array([p.billing_country for p in payments], dtype=object),
    )
    past = PriorSnapshot(
        customer_age=ages("customer"),
        customer_amount=amounts("customer"),
        customer_merchant=customer_codes("merchant_id"),
        customer_device=customer_codes("device_id"),
        customer_card=customer_codes("card_id"),
        customer_ip=customer_codes("ip_address"),
        card_age=ages("card"),
        card_amount=amounts("card"),
        device_age=ages("device"),
        device_amount=amounts("device"),
        customer_payment_count=np.array([s.customer_payment_count for s in states]),
        device_is_new=np.array([bool(p.device_id) and p.device_id not in s.seen_devices for p, s in pairs]),
        card_is_new=np.array([bool(p.card_id) and p.card_id not in s.seen_cards for p, s in pairs]),
        country_is_new=np.array([bool(p.country) and p.country not in s.seen_countries for p, s in pairs]),
        previous_geo_age=np.array([np.nan if s.last_geo is None else p.timestamp - s.last_geo.timestamp for p, s in pairs]),
        previous_latitude=geo("latitude"),
        previous_longitude=geo("longitude"),
        merchant_labels=labels("merchant_labels"),
        category_labels=labels("category_labels"),
        platform_labels=labels("platform_labels"),
    )
    return features_from_snapshot(targets, past)
