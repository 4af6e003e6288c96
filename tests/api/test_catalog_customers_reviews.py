"""Writes to products, customers and reviews: the caller's merchants only, audited, idempotent."""
from __future__ import annotations

import pytest

from apps.catalog.models import Product
from apps.core.models import AuditLog
from apps.customers.models import Customer, MerchantCustomer
from apps.reviews.models import Review
from tests import factories


@pytest.fixture
def mugs(db):
    return factories.CategoryFactory(name="Mugs")


def _product(**overrides) -> dict:
    return {
        "external_id": "MUG-9",
        "merchant": "mugs-more",
        "title": "Photo mug",
        "price": "14.00",
        "category": "Mugs",
        "tags": ["Gift", "gift", "Photo"],
        "attributes": {"colours": ["white"]},
        "customisable": True,
        **overrides,
    }


def test_product_create_update_delete_are_audited(api_a, mugs, merchant_a, staff_a):
    created = api_a.post("/api/v1/products/", _product(), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["category"] == "Mugs" and sorted(created.json()["tags"]) == ["Gift", "Photo"]
    updated = api_a.patch("/api/v1/products/MUG-9/", {"price": "16.00", "tags": ["Sale"]}, format="json")
    assert updated.status_code == 200 and updated.json()["price"] == "16.00" and updated.json()["tags"] == ["Sale"]
    assert api_a.delete("/api/v1/products/MUG-9/").status_code == 204
    trail = list(AuditLog.objects.filter(object_type="catalog.Product").order_by("at", "pk"))
    assert [a.action for a in trail] == ["create", "update", "delete"]
    assert (trail[1].before["price"], trail[1].after["price"]) == ("14.00", "16.00")
    assert trail[1].after["tags"] == ["Sale"] and {a.merchant for a in trail} == {merchant_a}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"merchant": "print-palace"}, "merchant"),
        ({"merchant": "nope"}, "merchant"),
        ({"category": "Home > Nowhere"}, "category"),
        ({"price": "-1"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"title": "t" * 301}, "title"),
        ({"tags": "Gift"}, "tags"),
        ({"attributes": "red"}, "attributes"),
        ({"external_id": "EXISTING"}, "external_id"),
    ],
)
def test_product_create_errors_name_the_field(api_a, mugs, merchant_b, overrides, field):
    factories.ProductFactory(merchant=merchant_b, external_id="EXISTING")
    response = api_a.post("/api/v1/products/", _product(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Product.objects.filter(merchant__slug="mugs-more").exists()


def test_foreign_and_unknown_merchant_get_the_same_message(api_a, mugs, merchant_b):
    foreign = api_a.post("/api/v1/products/", _product(merchant="print-palace"), format="json").json()
    unknown = api_a.post("/api/v1/products/", _product(merchant="zzz"), format="json").json()
    assert foreign["errors"]["merchant"][0].replace("print-palace", "X") == unknown["errors"]["merchant"][0].replace("zzz", "X")


def test_another_merchants_product_cannot_be_changed(api_a, merchant_b):
    theirs = factories.ProductFactory(merchant=merchant_b, price="5.00")
    assert api_a.patch(f"/api/v1/products/{theirs.external_id}/", {"price": "1.00"}, format="json").status_code == 404
    assert api_a.delete(f"/api/v1/products/{theirs.external_id}/").status_code == 404
    theirs.refresh_from_db()
    assert str(theirs.price) == "5.00"


def test_analyst_reads_but_cannot_write_products(api_client_for, analyst, merchant_a, mugs):
    client = api_client_for(analyst)
    assert client.get("/api/v1/products/").status_code == 200
    assert client.post("/api/v1/products/", _product(merchant="MA"), format="json").status_code == 403


def test_customer_create_links_and_never_overwrites_another_merchants_data(api_a, merchant_a, merchant_b):
    existing = factories.CustomerFactory(external_id="C-1", email="b@shop.test", name="")
    factories.MerchantCustomerFactory(merchant=merchant_b, customer=existing)
    body = {"external_id": "C-1", "merchant": "MA", "email": "a@shop.test", "name": "Ann"}
    response = api_a.post("/api/v1/customers/", body, format="json")
    assert response.status_code == 200
    existing.refresh_from_db()
    assert (existing.email, existing.name) == ("b@shop.test", "Ann")
    assert MerchantCustomer.objects.filter(merchant=merchant_a, customer=existing).exists()
    fresh = api_a.post("/api/v1/customers/", {**body, "external_id": "C-2"}, format="json")
    assert fresh.status_code == 201 and Customer.objects.get(external_id="C-2").email == "a@shop.test"
    assert AuditLog.objects.filter(object_type="customers.Customer").count() == 2


def test_customer_update_is_audited(api_a, merchant_a, staff_a):
    customer = factories.MerchantCustomerFactory(merchant=merchant_a).customer
    response = api_a.patch(f"/api/v1/customers/{customer.external_id}/", {"country": "FR"}, format="json")
    assert response.status_code == 200 and response.json()["country"] == "FR"
    audit = AuditLog.objects.get(object_type="customers.Customer")
    assert (audit.actor, audit.before["country"], audit.after["country"]) == (staff_a, "GB", "FR")
    assert api_a.patch(f"/api/v1/customers/{customer.external_id}/", {"country": "France"}, format="json").status_code == 400


def test_review_create_is_idempotent_per_merchant(api_a, merchant_a, merchant_b):
    product = factories.ProductFactory(merchant=merchant_a)
    body = {"external_id": "R-1", "product_id": product.external_id, "customer_id": "C-7", "rating": 4}
    first = api_a.post("/api/v1/reviews/", body, format="json")
    assert first.status_code == 201 and first.json()["merchant"] == "mugs-more"
    replay = api_a.post("/api/v1/reviews/", {**body, "rating": 1}, format="json")
    assert replay.status_code == 200 and replay.json()["rating"] == 4
    assert Review.objects.count() == 1
    assert MerchantCustomer.objects.filter(merchant=merchant_a, customer__external_id="C-7").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"rating": 6}, "rating"), ({"rating": "five"}, "rating"), ({"product_id": "THEIRS"}, "product_id")],
)
def test_review_errors_name_the_field(api_a, merchant_a, merchant_b, overrides, field):
    factories.ProductFactory(merchant=merchant_b, external_id="THEIRS")
    product = factories.ProductFactory(merchant=merchant_a)
    body = {"external_id": "R-1", "product_id": product.external_id, "rating": 4, **overrides}
    response = api_a.post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Review.objects.exists()
