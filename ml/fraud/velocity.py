"""The live state the fraud features read, and the rules for keeping it.

Production keeps this in Redis (the Django side owns that): per customer, card and device a
sorted set of prior payments scored by timestamp, per customer the sets of devices, cards and
countries ever seen, a payment counter and the last geolocated payment, and per merchant,
category and platform the counts of labels older than the label delay. This module only
defines that layout as plain Python, what must be retained, and an in-memory store that
follows it exactly (tests replay simulated history through it to prove the live path computes
the same features as batch training).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

SECONDS_PER_DAY = 86_400
LONGEST_WINDOW_SECONDS = 7 * SECONDS_PER_DAY
AMOUNT_PROFILE_SIZE = 30
"""The customer's amount profile (z-score, median) is their last this-many prior payments."""
DEFAULT_LABEL_DELAY_DAYS = 7


def to_epoch_seconds(moment: datetime | pd.Timestamp | float) -> float:
    """Event time as float seconds since the Unix epoch, the single time unit of the features.

    Datetimes go through integer microseconds so a live payment and the same payment in a
    training frame land on the identical float. Naive datetimes are taken as UTC.
    """
    if isinstance(moment, (int, float)):
        return float(moment)
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return int(stamp.as_unit("us").asm8.view("int64")) / 1e6


@dataclass(frozen=True)
class PaymentEvent:
    """One payment as the scorer sees it; ``country`` is the IP's country, supplied by the caller."""

    transaction_id: str
    timestamp: float
    customer_id: str
    amount: float
    merchant_id: str = ""
    merchant_category: str = ""
    card_id: str = ""
    device_id: str = ""
    ip_address: str = ""
    country: str = ""
    billing_country: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class PriorEvent:
    """A recorded payment as kept in a sorted set member (score = timestamp)."""

    timestamp: float
    amount: float
    merchant_id: str = ""
    device_id: str = ""
    card_id: str = ""
    ip_address: str = ""


@dataclass(frozen=True)
class GeoPoint:
    timestamp: float
    latitude: float
    longitude: float


@dataclass(frozen=True)
class LabelCounts:
    """Labelled payments and frauds among them, counting only labels older than the delay."""

    labelled: int = 0
    frauds: int = 0


@dataclass(frozen=True)
class VelocityState:
    """Everything known before a payment, at its own event time.

    ``customer_events`` must hold every prior customer payment of the last 7 days and at least
    the last ``AMOUNT_PROFILE_SIZE`` ones; ``card_events`` and ``device_events`` every prior
    payment of that card / device (any customer) in the last 7 days. Older extra events are
    harmless: the features apply their own windows. Lists are in recording order.
    """

    customer_events: tuple[PriorEvent, ...] = ()
    card_events: tuple[PriorEvent, ...] = ()
    device_events: tuple[PriorEvent, ...] = ()
    customer_payment_count: int = 0
    seen_devices: frozenset[str] = frozenset()
    seen_cards: frozenset[str] = frozenset()
    seen_countries: frozenset[str] = frozenset()
    last_geo: GeoPoint | None = None
    merchant_labels: LabelCounts = LabelCounts()
    category_labels: LabelCounts = LabelCounts()
    platform_labels: LabelCounts = LabelCounts()


def retained(events: list[PriorEvent], now: float, *, keep_last: int = 0) -> list[PriorEvent]:
    """The events a sorted set must still hold at ``now``: the last 7 days, plus the newest ``keep_last``."""
    cutoff = now - LONGEST_WINDOW_SECONDS
    return [e for i, e in enumerate(events) if e.timestamp > cutoff or i >= len(events) - keep_last]


@dataclass
class InMemoryVelocityStore:
    """Reference implementation of the live state, in recording order; Redis mirrors it."""

    label_delay_days: float = DEFAULT_LABEL_DELAY_DAYS
    _customer: dict[str, list[PriorEvent]] = field(default_factory=lambda: defaultdict(list))
    _card: dict[str, list[PriorEvent]] = field(default_factory=lambda: defaultdict(list))
    _device: dict[str, list[PriorEvent]] = field(default_factory=lambda: defaultdict(list))
    _count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _devices: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _cards: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _countries: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _geo: dict[str, GeoPoint] = field(default_factory=dict)
    _labels: list[tuple[float, str, str, bool]] = field(default_factory=list)

    def state_for(self, payment: PaymentEvent) -> VelocityState:
        visible_before = payment.timestamp - self.label_delay_days * SECONDS_PER_DAY
        visible = [lab for lab in self._labels if lab[0] <= visible_before]
        return VelocityState(
            customer_events=tuple(self._customer[payment.customer_id]),
            card_events=tuple(self._card[payment.card_id]) if payment.card_id else (),
            device_events=tuple(self._device[payment.device_id]) if payment.device_id else (),
            customer_payment_count=self._count[payment.customer_id],
            seen_devices=frozenset(self._devices[payment.customer_id]),
            seen_cards=frozenset(self._cards[payment.customer_id]),
            seen_countries=frozenset(self._countries[payment.customer_id]),
            last_geo=self._geo.get(payment.customer_id),
            merchant_labels=_count_labels(lab for lab in visible if lab[1] == payment.merchant_id),
            category_labels=_count_labels(lab for lab in visible if lab[2] == payment.merchant_category),
            platform_labels=_count_labels(visible),
        )

    def record(self, payment: PaymentEvent) -> None:
        event = PriorEvent(
            timestamp=payment.timestamp,
            amount=payment.amount,
            merchant_id=payment.merchant_id,
            device_id=payment.device_id,
            card_id=payment.card_id,
            ip_address=payment.ip_address,
        )
        customer = payment.customer_id
        self._customer[customer] = retained([*self._customer[customer], event], payment.timestamp, keep_last=AMOUNT_PROFILE_SIZE)
        if payment.card_id:
            self._card[payment.card_id] = retained([*self._card[payment.card_id], event], payment.timestamp)
        if payment.device_id:
            self._device[payment.device_id] = retained([*self._device[payment.device_id], event], payment.timestamp)
        self._count[customer] += 1
        for seen, value in (
            (self._devices, payment.device_id),
            (self._cards, payment.card_id),
            (self._countries, payment.country),
        ):
            if value:
                seen[customer].add(value)
        if payment.latitude is not None and payment.longitude is not None:
            self._geo[customer] = GeoPoint(payment.timestamp, payment.latitude, payment.longitude)

    def record_label(self, payment: PaymentEvent, *, is_fraud: bool) -> None:
        """A label for a payment; it counts for merchant risk once ``label_delay_days`` have passed."""
        self._labels.append((payment.timestamp, payment.merchant_id, payment.merchant_category, is_fraud))


def _count_labels(labels) -> LabelCounts:
    labelled = frauds = 0
    for label in labels:
        labelled += 1
        frauds += int(label[3])
    return LabelCounts(labelled=labelled, frauds=frauds)
