"""Payments: idempotent on transaction id, and hostile input answered with a field-named 4xx."""
from __future__ import annotations

import pytest

from apps.core.models import AuditLog
from apps.orders.models import Payment
from tests import factories

URL = "/api/v1/payments/"


def _payment(**overrides) -> dict:
    return {
        "transaction_id": "tx-1001",
        "merchant": "MA",
        "customer_id": "shopper-9",
        "amount": "49.90",
        "currency": "GBP",
        "card_fingerprint": "fp-abc",
        "device_id": "dev-1",
        "ip_address": "81.2.69.142",
        "country": "GB",
        "latitude": 51.5,
        "longitude": -0.12,
        "timestamp": "2025-03-01T10:00:00Z",
        **overrides,
    }


def test_create_payment_then_replay_changes_nothing(api_a, merchant_a, staff_a):
    first = api_a.post(URL, _payment(), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "49.90" and first.json()["merchant"] == "mugs-more"
    replay = api_a.post(URL, _payment(amount="1.00", country="FR"), format="json")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    payment = Payment.objects.get()
    assert (str(payment.amount), payment.country) == ("49.90", "GB")
    assert AuditLog.objects.filter(object_type="orders.Payment", actor=staff_a).count() == 1


def test_payment_attached_to_an_order(api_a, merchant_a):
    order = factories.OrderFactory(merchant=merchant_a)
    response = api_a.post(URL, _payment(order=order.number), format="json")
    assert response.status_code == 201 and response.json()["order"] == order.number


def test_another_merchants_transaction_id_or_order_is_refused(api_a, merchant_b):
    factories.PaymentFactory(merchant=merchant_b, transaction_id="tx-1001")
    foreign_order = factories.OrderFactory(merchant=merchant_b)
    assert "transaction_id" in api_a.post(URL, _payment(), format="json").json()["errors"]
    response = api_a.post(URL, _payment(transaction_id="tx-2", order=foreign_order.number), format="json")
    assert response.status_code == 400 and "order" in response.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": "1000000.01"}, "amount"),
        ({"amount": "1e400"}, "amount"),
        ({"amount": [1, 2]}, "amount"),
        ({"timestamp": "31/02/2025"}, "timestamp"),
        ({"timestamp": "0001-01-01T00:00:00Z"}, "timestamp"),
        ({"timestamp": "9999-12-31T23:59:59-14:00"}, "timestamp"),
        ({"latitude": "NaN"}, "latitude"),
        ({"latitude": 91}, "latitude"),
        ({"ip_address": "999.1.1.1"}, "ip_address"),
        ({"transaction_id": "t" * 65}, "transaction_id"),
        ({"transaction_id": "tx\x00null"}, "transaction_id"),
        ({"customer_id": 12.5}, "customer_id"),
        ({"merchant": "MB"}, "merchant"),
        ({"currency": "pounds"}, "currency"),
    ],
)
def test_bad_payment_fields_are_named(api_a, merchant_b, overrides, field):
    response = api_a.post(URL, _payment(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"transaction_id": "tx-1", "amount": ', "application/json"),
        ('{"amount": NaN}', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("amount=5", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies_are_4xx(api_a, body, content_type):
    response = api_a.generic("POST", URL, body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


def test_huge_payload_is_refused_before_parsing(api_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = api_a.post(URL, _payment(merchant_category="x" * 2 * 1024 * 1024), format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not Payment.objects.exists()


def test_overlong_field_is_named(api_a):
    response = api_a.post(URL, _payment(merchant_category="x" * 65), format="json")
    assert response.status_code == 400 and "merchant_category" in response.json()["errors"]


@pytest.mark.parametrize("escaped", ["nul\\u0000byte", "lone\\ud840surrogate"])
def test_unstorable_characters_in_json_are_field_errors(api_a, merchant_a, escaped):
    product = factories.ProductFactory(merchant=merchant_a)
    body = '{"attributes": {"note": "' + escaped + '"}}'
    response = api_a.generic("PATCH", f"/api/v1/products/{product.external_id}/", body, content_type="application/json")
    assert response.status_code == 400 and "attributes" in response.json()["errors"]


def test_out_of_range_filter_dates_are_field_errors(api_a):
    response = api_a.get(URL, {"timestamp_to": "3632-02-05T03:31:36-16:27"})
    assert response.status_code == 400 and "timestamp_to" in response.json()["errors"]
