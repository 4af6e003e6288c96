"""scored_transactions.csv: payments replayed through the real-time fraud scorer, in time order.

The same columns as transactions.csv without the label: each payment is stored with the
assessment the live scorer gives it (features as of its own timestamp, rules, model, review
cases, webhooks), exactly as if it had arrived through POST /api/v1/fraud/score. Use it to
backfill a new merchant's recent traffic or to replay a day for the review queue; replaying
a file again changes nothing, since scoring is idempotent on transaction_id.
"""
from __future__ import annotations

from apps.fraud.scoring import PaymentRequest, payments_score
from apps.imports.importers.base import BatchOutcome, ParsedRow
from apps.imports.importers.transactions import TransactionsImporter
from apps.merchants.models import Merchant
from apps.merchants.services import merchants_ensure
from apps.orders.models import Payment

# Scored in slices so one call stays inside the model's time budget (it falls back to rules past it).
SCORING_SLICE = 200


class ScoredTransactionsImporter(TransactionsImporter):
    kind = "scored_transactions"
    columns = tuple(column for column in TransactionsImporter.columns if column.name != "is_fraud")

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        merchant_ids = merchants_ensure(external_ids={row.values["merchant_id"] for row in rows})
        merchants = Merchant.objects.in_bulk(set(merchant_ids.values()))
        stored = {
            txid: (merchant_id, scored)
            for txid, merchant_id, scored in Payment.objects.filter(
                transaction_id__in={row.values["transaction_id"] for row in rows}
            ).values_list("transaction_id", "merchant_id", "assessment")
        }
        scorable: list[tuple[ParsedRow, PaymentRequest]] = []
        for row in sorted(rows, key=lambda r: r.values["timestamp"]):
            values = row.values
            merchant = merchants[merchant_ids[values["merchant_id"]]]
            previous = stored.get(values["transaction_id"])
            if previous and previous[0] != merchant.pk:
                outcome.reject(row, "transaction_id: already used by another merchant's payment")
            elif previous and previous[1] is None:
                outcome.reject(row, "transaction_id: already imported without a score (import_data transactions)")
            else:
                scorable.append((row, _request(values, merchant)))
        for start in range(0, len(scorable), SCORING_SLICE):
            chunk = scorable[start : start + SCORING_SLICE]
            for result in payments_score(requests=[request for _, request in chunk]):
                if result.replayed:
                    outcome.unchanged += 1
                else:
                    outcome.created += 1


def _request(values: dict, merchant: Merchant) -> PaymentRequest:
    return PaymentRequest(
        transaction_id=values["transaction_id"],
        customer_id=values["customer_id"],
        merchant=merchant,
        amount=values["amount"],
        currency=values["currency"],
        card_id=values["card_id"],
        timestamp=values["timestamp"],
        device_id=values["device_id"] or "",
        ip_address=values["ip_address"],
        merchant_category=values["merchant_category"] or "",
        country=values["country"] or "",
        latitude=values["latitude"],
        longitude=values["longitude"],
    )
