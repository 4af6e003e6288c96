"""chargebacks.csv: chargebacks reported by the card network, each a fraud label for a known payment.

Upserted on the payment (one chargeback per transaction), so re-importing a file changes
nothing. The payment is labelled fraud with label source "chargeback", which the next fraud
training run reads; an unknown transaction id is a rejected row, never a new payment.
"""
from __future__ import annotations

from datetime import date

from apps.fraud.labels import CHARGEBACK, payments_label
from apps.fraud.models import Chargeback
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow
from apps.imports.importers.upsert import UpsertRow, rows_upsert
from apps.orders.models import Payment


def _date(value: str) -> date:
    return parsing.timestamp(value).date()


class ChargebacksImporter(Importer):
    kind = "chargebacks"
    columns = (
        Column("transaction_id", parsing.identifier, required=True),
        Column("date", _date, required=True, field="date"),
        Column("reason", parsing.text(255), field="reason", default=""),
    )

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        wanted = {row.values["transaction_id"] for row in rows}
        payments = {
            transaction_id: (pk, merchant_id)
            for transaction_id, pk, merchant_id in Payment.objects.filter(transaction_id__in=wanted).values_list(
                "transaction_id", "pk", "merchant_id"
            )
        }
        upserts = []
        for row in rows:
            transaction_id = row.values["transaction_id"]
            if transaction_id not in payments:
                outcome.reject(row, f"transaction_id: unknown transaction {transaction_id!r} (import transactions first)")
                continue
            payment_id, merchant_id = payments[transaction_id]
            upserts.append(UpsertRow((payment_id,), self.model_fields(row.values) | {"merchant_id": merchant_id}, [row]))
        accepted = rows_upsert(
            model=Chargeback, key_fields=("payment_id",), key_column="transaction_id", rows=upserts, outcome=outcome
        )
        payments_label(payment_ids={row.key[0] for row in accepted}, is_fraud=True, source=CHARGEBACK)
