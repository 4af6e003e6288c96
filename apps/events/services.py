"""Ingesting behavioural events: shared by the events API and `import_data events`.

Both callers validate shapes first and hand over normalised rows (`EventRow`); this module
resolves ids, enforces tenancy and writes. Events are immutable: a replayed event id is
counted as a duplicate and changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from apps.catalog.models import Product
from apps.customers.models import link_customers
from apps.customers.services import customers_ensure
from apps.events.models import Event
from apps.events.signals import events_created
from apps.merchants.models import Merchant


@dataclass(frozen=True)
class EventRow:
    external_id: str
    type: str
    timestamp: datetime
    customer_external_id: str = ""
    anonymous_id: str = ""
    session_id: str = ""
    product_external_id: str = ""
    merchant_external_id: str = ""
    query: str = ""
    value: Decimal | None = None
    properties: dict = field(default_factory=dict)
    recommendation_id: str = ""


@dataclass
class RowError:
    index: int
    field: str
    message: str


@dataclass
class EventIngestResult:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Resolved:
    row: EventRow
    merchant_id: int | None
    product_id: int | None


def _resolve(rows: list[EventRow], allowed_merchant_ids: list[int] | None) -> tuple[list[_Resolved], list[RowError]]:
    """Look up products and merchants; a product outside the caller's merchants is 'unknown', as if absent."""
    product_ids = {r.product_external_id for r in rows if r.product_external_id}
    products = Product.objects.filter(external_id__in=product_ids)
    merchants = Merchant.objects.filter(external_id__in={r.merchant_external_id for r in rows if r.merchant_external_id})
    if allowed_merchant_ids is not None:
        products = products.filter(merchant_id__in=allowed_merchant_ids)
        merchants = merchants.filter(id__in=allowed_merchant_ids)
    product_map = {ext: (pk, mid) for ext, pk, mid in products.values_list("external_id", "id", "merchant_id")}
    merchant_map = dict(merchants.values_list("external_id", "id"))

    resolved: list[_Resolved] = []
    errors: list[RowError] = []
    for index, row in enumerate(rows):
        product_id = merchant_id = None
        if row.product_external_id:
            if row.product_external_id not in product_map:
                errors.append(RowError(index, "product_id", f"Unknown product {row.product_external_id!r}."))
                continue
            product_id, merchant_id = product_map[row.product_external_id]
        if row.merchant_external_id:
            given = merchant_map.get(row.merchant_external_id)
            if given is None:
                errors.append(RowError(index, "merchant_id", f"Unknown merchant {row.merchant_external_id!r}."))
                continue
            if merchant_id is not None and given != merchant_id:
                errors.append(RowError(index, "merchant_id", "The product belongs to a different merchant."))
                continue
            merchant_id = given
        if merchant_id is None and allowed_merchant_ids is not None and len(allowed_merchant_ids) == 1:
            # A single-merchant storefront's searches belong to that storefront.
            merchant_id = allowed_merchant_ids[0]
        if merchant_id is None and allowed_merchant_ids is not None:
            errors.append(RowError(index, "merchant_id", "Name the merchant (or a product) for this event."))
            continue
        resolved.append(_Resolved(row, merchant_id, product_id))
    return resolved, errors


def events_ingest(
    *, rows: list[EventRow], allowed_merchant_ids: list[int] | None = None, all_or_nothing: bool = True
) -> EventIngestResult:
    """Write a batch of events atomically.

    allowed_merchant_ids: the caller's merchants (None = platform staff, any merchant).
    all_or_nothing: the API refuses the whole batch on any row error; an import skips bad rows.
    """
    result = EventIngestResult(received=len(rows))
    seen: set[str] = set()
    unique_rows: list[EventRow] = []
    for row in rows:
        if row.external_id in seen:
            result.duplicates += 1
        else:
            seen.add(row.external_id)
            unique_rows.append(row)

    resolved, result.errors = _resolve(unique_rows, allowed_merchant_ids)
    if result.errors and all_or_nothing:
        return result

    incoming_ids = [r.row.external_id for r in resolved]
    existing = set(Event.objects.filter(external_id__in=incoming_ids).values_list("external_id", flat=True))
    fresh = [r for r in resolved if r.row.external_id not in existing]
    result.duplicates += len(resolved) - len(fresh)

    with transaction.atomic():
        customer_ids = customers_ensure(external_ids={r.row.customer_external_id for r in fresh})
        Event.objects.bulk_create(
            [
                Event(
                    external_id=r.row.external_id,
                    merchant_id=r.merchant_id,
                    customer_id=customer_ids.get(r.row.customer_external_id),
                    anonymous_id=r.row.anonymous_id,
                    session_id=r.row.session_id,
                    type=r.row.type,
                    product_id=r.product_id,
                    query=r.row.query,
                    value=r.row.value,
                    timestamp=r.row.timestamp,
                    properties=r.row.properties,
                    recommendation_id=r.row.recommendation_id,
                )
                for r in fresh
            ],
            ignore_conflicts=True,  # a concurrent replay of the same id is still a no-op
            batch_size=2000,
        )
        link_customers({(r.merchant_id, customer_ids.get(r.row.customer_external_id)) for r in fresh})
        if fresh and events_created.has_listeners(Event):
            created = Event.objects.filter(external_id__in=[r.row.external_id for r in fresh])
            transaction.on_commit(lambda: events_created.send(sender=Event, events=list(created)))
    result.created = len(fresh)
    return result


def events_resolve(
    *, rows: list[EventRow], allowed_merchant_ids: list[int] | None = None
) -> tuple[list[_Resolved], list[RowError]]:
    """Resolve products and merchants exactly as `events_ingest` does.

    For writers that bypass the ORM (the import's PostgreSQL COPY path), so both paths accept
    and refuse the same rows with the same errors.
    """
    return _resolve(rows, allowed_merchant_ids)
