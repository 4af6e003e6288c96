"""events.csv: storefront behaviour, written through the same ingest service as the events API.

Events are immutable: a known event_id is counted unchanged and never rewritten. On
PostgreSQL the batch goes through COPY (see events_copy) unless the caller opts out.
"""
from __future__ import annotations

from django.db import connection

from apps.events.models import EventType
from apps.events.services import EventRow, events_ingest
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow
from apps.imports.importers.events_copy import events_copy_ingest
from apps.merchants.services import merchants_ensure


class EventsImporter(Importer):
    kind = "events"
    columns = (
        Column("event_id", parsing.identifier, required=True),
        Column("timestamp", parsing.timestamp, required=True),
        Column("customer_id", parsing.identifier),
        Column("session_id", parsing.text(64)),
        Column("event_type", parsing.choice(list(EventType.values)), required=True),
        Column("product_id", parsing.identifier),
        Column("value", parsing.money),
        Column("query", parsing.text(300)),
        Column("merchant_id", parsing.identifier),
        Column("anonymous_id", parsing.text(64)),
    )

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        unique: dict[str, ParsedRow] = {}
        for row in rows:
            if row.values["event_id"] in unique:
                outcome.unchanged += 1  # a replay within the file, like a replay across files
            else:
                unique[row.values["event_id"]] = row
        kept = list(unique.values())
        merchants_ensure(external_ids={row.values.get("merchant_id") for row in kept})
        events = [self._event_row(row) for row in kept]
        if self.fast_path and connection.vendor == "postgresql":
            result = events_copy_ingest(rows=events)
        else:
            result = events_ingest(rows=events, allowed_merchant_ids=None, all_or_nothing=False)
        for error in result.errors:
            outcome.reject(kept[error.index], f"{error.field}: {error.message}")
        outcome.created += result.created
        outcome.unchanged += result.duplicates

    @staticmethod
    def _event_row(row: ParsedRow) -> EventRow:
        values = row.values
        return EventRow(
            external_id=values["event_id"],
            type=values["event_type"],
            timestamp=values["timestamp"],
            customer_external_id=values.get("customer_id") or "",
            anonymous_id=values.get("anonymous_id") or "",
            session_id=values.get("session_id") or "",
            product_external_id=values.get("product_id") or "",
            merchant_external_id=values.get("merchant_id") or "",
            query=values.get("query") or "",
            value=values.get("value"),
        )
