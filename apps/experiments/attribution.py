"""Attributing storefront events to the experiment arm that served them.

Two ways an event counts for an experiment:
- it carries a `recommendation_id` (an Exposure's id) of an experiment exposure: impressions,
  clicks, add-to-carts and purchases count for that exposure's arm;
- it is a purchase without a `recommendation_id` by a unit (customer external id, else
  anonymous id) that entered the experiment at most ATTRIBUTION_WINDOW before: it counts for
  the unit's arm. Conversion is a property of the shopper, who often buys on a later page
  than the one showing the recommendation.

Each attribution is a row unique per (event, experiment), and counters move only for rows this
call inserted, so a replay or a second delivery of the same event never counts twice. An event
on another merchant's storefront never counts for a merchant's experiment.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.customers.models import Customer
from apps.events.models import Event, EventType
from apps.experiments.models import ArmDay, Attribution, Exposure, ExposureUnit

logger = logging.getLogger(__name__)

ATTRIBUTION_WINDOW = timedelta(days=7)
COUNTED_TYPES = {
    EventType.IMPRESSION: "impressions",
    EventType.CLICK: "clicks",
    EventType.ADD_TO_CART: "add_to_carts",
    EventType.PURCHASE: "purchases",
}


def _unit_of(event: Event, customer_ids: dict[int, str]) -> str:
    if event.customer_id is not None:
        return customer_ids.get(event.customer_id, "")
    return event.anonymous_id


def _by_recommendation(events: list[Event]) -> list[Attribution]:
    tagged = [e for e in events if e.recommendation_id and e.type in COUNTED_TYPES]
    if not tagged:
        return []
    exposures = Exposure.objects.filter(
        id__in={e.recommendation_id for e in tagged}, experiment__isnull=False
    ).in_bulk()
    found = []
    for event in tagged:
        exposure = exposures.get(event.recommendation_id)
        if exposure is None or (exposure.merchant_id is not None and exposure.merchant_id != event.merchant_id):
            continue
        found.append(Attribution(
            event=event, experiment_id=exposure.experiment_id, exposure=exposure, arm=exposure.arm,
            unit_id=exposure.unit_id, type=event.type,
            value=event.value if event.type == EventType.PURCHASE else None,
            via=Attribution.Via.RECOMMENDATION, at=event.timestamp,
        ))
    return found


def _by_window(events: list[Event]) -> list[Attribution]:
    purchases = [e for e in events if e.type == EventType.PURCHASE and not e.recommendation_id]
    if not purchases:
        return []
    customer_ids = dict(
        Customer.objects.filter(id__in={e.customer_id for e in purchases if e.customer_id}).values_list("id", "external_id")
    )
    units = {_unit_of(e, customer_ids) for e in purchases} - {""}
    if not units:
        return []
    earliest = min(e.timestamp for e in purchases) - ATTRIBUTION_WINDOW
    memberships = defaultdict(list)
    for member in ExposureUnit.objects.filter(unit_id__in=units, first_exposed_at__gte=earliest).select_related("experiment"):
        memberships[member.unit_id].append(member)
    found = []
    for event in purchases:
        for member in memberships.get(_unit_of(event, customer_ids), []):
            merchant_id = member.experiment.merchant_id
            if merchant_id is not None and merchant_id != event.merchant_id:
                continue
            if not member.first_exposed_at <= event.timestamp <= member.first_exposed_at + ATTRIBUTION_WINDOW:
                continue
            found.append(Attribution(
                event=event, experiment_id=member.experiment_id, arm=member.arm, unit_id=member.unit_id,
                type=event.type, value=event.value, via=Attribution.Via.WINDOW, at=event.timestamp,
            ))
    return found


def _insert_new(candidates: list[Attribution]) -> list[Attribution]:
    """Insert the attributions not yet stored and return exactly those."""
    stored = set(
        Attribution.objects.filter(event_id__in={a.event_id for a in candidates}).values_list("event_id", "experiment_id")
    )
    fresh, seen = [], set()
    for attribution in candidates:
        pair = (attribution.event_id, attribution.experiment_id)
        if pair not in stored and pair not in seen:
            seen.add(pair)
            fresh.append(attribution)
    try:
        with transaction.atomic():
            Attribution.objects.bulk_create(fresh)
        return fresh
    except IntegrityError:
        # A concurrent delivery of some of these events: insert one by one, keep what was ours.
        inserted = []
        for attribution in fresh:
            try:
                with transaction.atomic():
                    attribution.save(force_insert=True)
                inserted.append(attribution)
            except IntegrityError:
                continue
        return inserted


def _counters_bump(attributions: list[Attribution]) -> None:
    deltas: dict[tuple[int, str, object], dict[str, object]] = defaultdict(lambda: defaultdict(int))
    for attribution in attributions:
        delta = deltas[(attribution.experiment_id, attribution.arm, timezone.localdate(attribution.at))]
        delta[COUNTED_TYPES[attribution.type]] += 1
        if attribution.type == EventType.PURCHASE and attribution.value is not None:
            delta["revenue"] += Decimal(attribution.value)
    for (experiment_id, arm, day), delta in deltas.items():
        row = ArmDay.objects.filter(experiment_id=experiment_id, arm=arm, day=day)
        increments = {field: F(field) + amount for field, amount in delta.items()}
        if row.update(**increments):
            continue
        try:
            with transaction.atomic():
                ArmDay.objects.create(experiment_id=experiment_id, arm=arm, day=day, **delta)
        except IntegrityError:
            row.update(**increments)


def _units_mark(attributions: list[Attribution]) -> None:
    """Record each unit's first attributed click and purchase (the numerators of the per-unit rates).

    One read of the members concerned and one bulk update, whatever the batch size.
    """
    firsts: dict[tuple[int, str], dict[str, object]] = defaultdict(dict)
    for attribution in attributions:
        field = {EventType.CLICK: "clicked_at", EventType.PURCHASE: "converted_at"}.get(attribution.type)
        if field is None:
            continue
        seen = firsts[(attribution.experiment_id, attribution.unit_id)]
        if field not in seen or attribution.at < seen[field]:
            seen[field] = attribution.at
    if not firsts:
        return
    members = ExposureUnit.objects.select_for_update().filter(
        experiment_id__in={experiment_id for experiment_id, _ in firsts},
        unit_id__in={unit_id for _, unit_id in firsts},
    )
    changed, fields = [], set()
    for member in members:
        for field, at in firsts.get((member.experiment_id, member.unit_id), {}).items():
            current = getattr(member, field)
            if current is None or at < current:
                setattr(member, field, at)
                changed.append(member)
                fields.add(field)
    if changed:
        ExposureUnit.objects.bulk_update(set(changed), sorted(fields), batch_size=500)


def events_attribute(events: list[Event]) -> int:
    """Attribute new events to experiment arms; returns how many attributions were new."""
    candidates = _by_recommendation(events)
    attributed = {(a.event_id, a.experiment_id) for a in candidates}
    candidates += [a for a in _by_window(events) if (a.event_id, a.experiment_id) not in attributed]
    if not candidates:
        return 0
    with transaction.atomic():
        inserted = _insert_new(candidates)
        _counters_bump(inserted)
        _units_mark(inserted)
    return len(inserted)


def on_events_created(sender, events: list[Event], **kwargs) -> None:
    """Receiver of `events_created`: the events are committed already, so a failure here is logged
    rather than turned into an error response (`attribute_events` re-runs it idempotently)."""
    try:
        events_attribute(events)
    except DatabaseError:
        logger.exception("experiment attribution failed for %d events", len(events))
