"""transactions.csv: card payments as a gateway exports them, upserted on transaction_id.

The optional is_fraud label becomes a training label with label_source="import"; a blank
label leaves whatever an analyst or a chargeback already recorded.
"""
from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.customers.models import link_customers
from apps.customers.services import customers_ensure
from apps.fraud.velocity_warm import velocity_forget
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow, RowRejected
from apps.imports.importers.upsert import UpsertRow, rows_upsert
from apps.merchants.services import merchants_ensure
from apps.orders.models import Payment

LABEL_SOURCE = "import"


def _coordinates_paired(values: dict[str, Any]) -> None:
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        missing = "longitude" if values.get("longitude") is None else "latitude"
        raise RowRejected(missing, "latitude and longitude go together; give both or neither")


class TransactionsImporter(Importer):
    kind = "transactions"
    columns = (
        Column("transaction_id", parsing.identifier, required=True),
        Column("timestamp", parsing.timestamp, required=True, field="timestamp"),
        Column("customer_id", parsing.identifier, required=True),
        Column("merchant_id", parsing.identifier, required=True),
        Column("card_id", parsing.card_token, required=True, field="card_fingerprint"),
        Column("device_id", parsing.identifier, field="device_id", default=""),
        Column("ip_address", parsing.ip_address, field="ip_address"),
        Column("country", parsing.country, field="country", default=""),
        Column("latitude", parsing.latitude, field="latitude"),
        Column("longitude", parsing.longitude, field="longitude"),
        Column("amount", parsing.money, required=True, field="amount"),
        Column("currency", parsing.currency, required=True, field="currency"),
        Column("merchant_category", parsing.text(64), field="merchant_category", default=""),
        Column("is_fraud", parsing.boolean, field="is_fraud", keep_when_blank=True),
    )
    row_checks = (_coordinates_paired,)

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        merchant_ids = merchants_ensure(external_ids={row.values["merchant_id"] for row in rows})
        customer_ids = customers_ensure(external_ids={row.values["customer_id"] for row in rows})
        upserts = []
        for row in rows:
            fields = self.model_fields(row.values) | {
                "merchant_id": merchant_ids[row.values["merchant_id"]],
                "customer_id": customer_ids[row.values["customer_id"]],
            }
            if "is_fraud" in fields:
                fields["label_source"] = LABEL_SOURCE
            upserts.append(UpsertRow((row.values["transaction_id"],), fields, [row]))
        accepted = rows_upsert(
            model=Payment,
            key_fields=("transaction_id",),
            key_column="transaction_id",
            rows=upserts,
            outcome=outcome,
            owner_field="merchant_id",
        )
        link_customers({(row.fields["merchant_id"], row.fields["customer_id"]) for row in accepted})
        # Live velocity state in Redis does not count these payments: drop it, it rehydrates from the table.
        values = [parsed.values for row in accepted for parsed in row.sources]
        forget = {
            "customers": {v["customer_id"] for v in values},
            "cards": {v["card_id"] for v in values},
            "devices": {v.get("device_id") or "" for v in values},
        }
        transaction.on_commit(lambda: velocity_forget(**forget))
