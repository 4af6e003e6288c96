"""Orders: atomic creation with validated totals, the status machine, and the audit trail."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.models import AuditLog
from apps.customers.models import MerchantCustomer
from apps.orders.models import Order, OrderItem
from tests import factories

URL = "/api/v1/orders/"


@pytest.fixture
def mug(merchant_a):
    return factories.ProductFactory(merchant=merchant_a, external_id="MUG-1", title="Name mug", price=Decimal("10.00"))


def _order(mug, **overrides) -> dict:
    return {
        "number": "ORD-555",
        "merchant": "mugs-more",
        "customer_id": "new-shopper",
        "items": [{"product_id": mug.external_id, "quantity": 2, "unit_price": "10.00", "customisation": {"text": "Ann"}}],
        "subtotal": "20.00",
        "shipping": "4.50",
        "tax": "0.50",
        "total": "25.00",
        **overrides,
    }


def test_create_order_with_items_customer_and_audit(api_a, mug, merchant_a, staff_a):
    response = api_a.post(URL, _order(mug), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "ORD-555" and body["status"] == "pending" and body["customer_id"] == "new-shopper"
    assert body["items"] == [
        {"product_id": "MUG-1", "title": "Name mug", "quantity": 2, "unit_price": "10.00", "customisation": {"text": "Ann"}}
    ]
    assert MerchantCustomer.objects.filter(merchant=merchant_a, customer__external_id="new-shopper").exists()
    audit = AuditLog.objects.get(object_type="orders.Order")
    assert (audit.actor, audit.action, audit.merchant) == (staff_a, "create", merchant_a)
    assert audit.after["total"] == "25.00" and len(audit.after["items"]) == 1


def test_replaying_an_order_number_returns_it_unchanged(api_a, mug):
    assert api_a.post(URL, _order(mug), format="json").status_code == 201
    replay = api_a.post(URL, _order(mug, total="25.00", shipping="4.50"), format="json")
    assert replay.status_code == 200
    assert Order.objects.count() == 1 and OrderItem.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"total": "26.00"}, "total"),
        ({"subtotal": "21.00", "total": "26.00"}, "subtotal"),
        ({"items": []}, "items"),
        ({"merchant": "print-palace"}, "merchant"),
        ({"merchant": "no-such-merchant"}, "merchant"),
        ({"number": "12345"}, "number"),
        ({"total": "NaN"}, "total"),
        ({"shipping": "-1.00"}, "shipping"),
        ({"total": "99999999.00"}, "total"),
        ({"placed_at": "1900-01-01T00:00:00Z"}, "placed_at"),
    ],
)
def test_invalid_orders_are_refused_with_the_field_named(api_a, mug, merchant_b, overrides, field):
    response = api_a.post(URL, _order(mug, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Order.objects.exists()
    assert not AuditLog.objects.exists()


def test_another_merchants_product_is_unknown(api_a, mug, merchant_b):
    foreign = factories.ProductFactory(merchant=merchant_b)
    items = [{"product_id": foreign.external_id, "quantity": 2, "unit_price": "10.00"}]
    response = api_a.post(URL, _order(mug, items=items), format="json")
    assert response.status_code == 400
    assert "unknown product" in response.json()["errors"]["items"][0]
    assert not Order.objects.exists()


def test_allowed_transitions_are_audited(api_a, mug, staff_a):
    api_a.post(URL, _order(mug), format="json")
    for status in ("paid", "fulfilled", "shipped"):
        response = api_a.post(f"{URL}ORD-555/transition/", {"status": status}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    trail = AuditLog.objects.filter(object_type="orders.Order", action="action").order_by("at", "pk")
    assert [(a.before["status"], a.after["status"]) for a in trail] == [
        ("pending", "paid"),
        ("paid", "fulfilled"),
        ("fulfilled", "shipped"),
    ]
    assert {a.actor for a in trail} == {staff_a}


@pytest.mark.parametrize("status", ["shipped", "delivered", "pending", "refunded"])
def test_forbidden_transition_is_a_status_error(api_a, mug, status):
    api_a.post(URL, _order(mug), format="json")
    response = api_a.post(f"{URL}ORD-555/transition/", {"status": status}, format="json")
    assert response.status_code == 400
    assert "allowed: cancelled, paid" in response.json()["errors"]["status"][0]
    assert Order.objects.get().status == "pending"


def test_unknown_status_is_refused(api_a, mug):
    api_a.post(URL, _order(mug), format="json")
    response = api_a.post(f"{URL}ORD-555/transition/", {"status": "teleported"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_readers_may_not_write(api_client_for, analyst, mug):
    response = api_client_for(analyst).post(URL, _order(mug), format="json")
    assert response.status_code == 403
    assert not Order.objects.exists()
