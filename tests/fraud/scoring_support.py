"""Helpers the scoring tests share: a payment body, a clean velocity store, scoring through the API."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.fraud.velocity_store import velocity_store, velocity_store_reset

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def payment_body(transaction_id: str, *, at: datetime = T0, merchant: str = "MA", **overrides) -> dict:
    body = {
        "transaction_id": transaction_id,
        "customer_id": "C1",
        "merchant_id": merchant,
        "amount": "20.00",
        "currency": "USD",
        "card_id": "K1",
        "device_id": "D1",
        "ip_address": "81.2.69.142",
        "merchant_category": "mugs",
        "timestamp": at.isoformat(),
    }
    return body | overrides


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
def clean_velocity():
    """Each test starts with an empty Redis velocity state (when Redis is configured) and a closed circuit."""
    velocity_store_reset()
    store = velocity_store()
    if store is not None:
        store.flush()
    yield store
    velocity_store_reset()
