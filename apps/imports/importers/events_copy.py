"""The PostgreSQL fast path for events: COPY into a session temp table, then one INSERT ... SELECT.

Only the write differs from `events_ingest`: ids are resolved by the same `events_resolve`,
known event ids are skipped the same way and ON CONFLICT DO NOTHING keeps a concurrent
replay a no-op, so both paths accept, refuse and count the same rows. At a million rows,
building model instances and multi-row INSERT statements is what dominates; COPY avoids both.
"""
from __future__ import annotations

import json

from django.db import connection, models

from apps.customers.models import MerchantCustomer
from apps.customers.services import customers_ensure
from apps.events.models import Event
from apps.events.services import EventIngestResult, EventRow, events_resolve

STAGE_TABLE = "import_event_stage"
COPIED_FIELDS = (
    "external_id",
    "merchant",
    "customer",
    "anonymous_id",
    "session_id",
    "type",
    "product",
    "query",
    "value",
    "timestamp",
    "properties",
    "recommendation_id",
)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def events_copy_ingest(*, rows: list[EventRow]) -> EventIngestResult:
    """Write new events with COPY; must run inside the caller's transaction (the stage empties on commit)."""
    result = EventIngestResult(received=len(rows))
    resolved, result.errors = events_resolve(rows=rows)
    table = _table(Event)
    columns = ", ".join(_column(Event, name) for name in COPIED_FIELDS)
    with connection.cursor() as cursor:
        # One array parameter instead of thousands of placeholders: the query stays small to send and parse.
        cursor.execute(
            f"SELECT {_column(Event, 'external_id')} FROM {table} WHERE {_column(Event, 'external_id')} = ANY(%s)",
            [[r.row.external_id for r in resolved]],
        )
        known = {external_id for (external_id,) in cursor.fetchall()}
        fresh = [r for r in resolved if r.row.external_id not in known]
        result.duplicates = len(resolved) - len(fresh)
        if not fresh:
            return result
        customer_ids = customers_ensure(external_ids={r.row.customer_external_id for r in fresh})
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE_TABLE} ON COMMIT DELETE ROWS "
            f"AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {STAGE_TABLE}")
        with cursor.copy(f"COPY {STAGE_TABLE} ({columns}) FROM STDIN") as copy:
            for r in fresh:
                copy.write_row(
                    (
                        r.row.external_id,
                        r.merchant_id,
                        customer_ids.get(r.row.customer_external_id),
                        r.row.anonymous_id,
                        r.row.session_id,
                        r.row.type,
                        r.product_id,
                        r.row.query,
                        r.row.value,
                        r.row.timestamp,
                        json.dumps(r.row.properties),
                        r.row.recommendation_id,
                    )
                )
        # Insert, and link each new event's customer to its merchant as link_customers would, in one statement.
        merchant, customer = _column(Event, "merchant"), _column(Event, "customer")
        link_merchant, link_customer = _column(MerchantCustomer, "merchant"), _column(MerchantCustomer, "customer")
        link_seen = _column(MerchantCustomer, "first_seen_at")
        cursor.execute(
            f"WITH inserted AS ("
            f" INSERT INTO {table} ({columns}, {_column(Event, 'created_at')})"
            f" SELECT {columns}, now() FROM {STAGE_TABLE}"
            f" ON CONFLICT ({_column(Event, 'external_id')}) DO NOTHING"
            f" RETURNING {merchant}, {customer}"
            f"), linked AS ("
            f" INSERT INTO {_table(MerchantCustomer)} ({link_merchant}, {link_customer}, {link_seen})"
            f" SELECT DISTINCT {merchant}, {customer}, now() FROM inserted"
            f" WHERE {merchant} IS NOT NULL AND {customer} IS NOT NULL"
            f" ON CONFLICT ({link_merchant}, {link_customer}) DO NOTHING"
            f") SELECT count(*) FROM inserted"
        )
        (result.created,) = cursor.fetchone()
    result.duplicates += len(fresh) - result.created  # a concurrent import got there first
    return result
