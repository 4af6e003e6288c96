"""Storing scored payments: a few rows as one INSERT ... RETURNING, many with COPY, the same rows either way."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.customers.models import Customer
from apps.fraud.copy_insert import VALUES_MAX_ROWS, rows_insert
from apps.fraud.models import Assessment
from apps.orders.models import Payment

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _payments(merchant, customer, prefix: str, n: int) -> list[Payment]:
    return [
        Payment(
            transaction_id=f"{prefix}{i}", merchant=merchant, customer=customer, amount=Decimal("12.34") + i,
            currency="EUR", card_fingerprint="K1", device_id="D1", ip_address="81.2.69.142", country="GB",
            latitude=51.5, longitude=None, merchant_category="mugs", timestamp=T0 + timedelta(minutes=i),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [1, VALUES_MAX_ROWS, VALUES_MAX_ROWS + 5], ids=["one", "values-max", "copy"])
def test_rows_go_in_with_increasing_pks_and_read_back_unchanged(merchant_a, n):
    customer = Customer.objects.create(external_id="C1")
    payments = rows_insert(Payment, _payments(merchant_a, customer, "T", n))
    pks = [p.pk for p in payments]
    assert pks == sorted(pks) and len(set(pks)) == n and all(not p._state.adding for p in payments)
    stored = {p.transaction_id: p for p in Payment.objects.filter(pk__in=pks)}
    assert [stored[p.transaction_id].pk for p in payments] == pks
    last = stored[f"T{n - 1}"]
    assert last.amount == Decimal("12.34") + n - 1 and last.timestamp == T0 + timedelta(minutes=n - 1)
    assert (last.ip_address, last.latitude, last.longitude, last.currency) == ("81.2.69.142", 51.5, None, "EUR")

    assessments = rows_insert(Assessment, [
        Assessment(merchant=merchant_a, payment=p, decision="review", score=0.7, ml_score=None, rules_score=0.2,
                   flags=["velocity_breach"], reasons=[{"text": "x", "values": {"a": 1.5}}], features={"amount": 12.34})
        for p in payments
    ])
    again = Assessment.objects.get(pk=assessments[-1].pk)
    assert again.payment_id == payments[-1].pk and again.created_at is not None
    assert again.flags == ["velocity_breach"] and again.features == {"amount": 12.34}
    assert again.reasons == [{"text": "x", "values": {"a": 1.5}}]


@pytest.mark.parametrize("n", [1, VALUES_MAX_ROWS + 5], ids=["values", "copy"])
def test_a_stored_transaction_id_aborts_the_insert_with_integrity_error(merchant_a, n):
    customer = Customer.objects.create(external_id="C1")
    rows_insert(Payment, _payments(merchant_a, customer, "T", 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(Payment, _payments(merchant_a, customer, "T", n))
    assert Payment.objects.count() == 1
