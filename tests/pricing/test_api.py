"""GET /api/v1/products/{id}/fair-price and /api/v1/pricing/outliers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.pricing.models import PriceSuggestion
from tests import factories
from tests.pricing.builders import outlier_product, suggest

pytestmark = pytest.mark.django_db


def test_fair_price_answers_the_range_position_and_source(api_a, merchant_a):
    category = factories.CategoryFactory(name="Mugs")
    for price in ("10", "20", "30", "40"):
        factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(price))
    probe = factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal("5"), external_id="P-PROBE")
    body = api_a.get("/api/v1/products/P-PROBE/fair-price").json()
    assert body["product_id"] == "P-PROBE" and body["available"] is True
    assert body["source"] == "category" and body["position"] == "below"
    assert Decimal(body["low"]) < Decimal(body["mid"]) < Decimal(body["high"])
    assert body["model_version"] is None and body["error"] == {}
    assert body["comparables"] == 5 and body["category_level"] == probe.category.path
    assert not PriceSuggestion.objects.exists()  # a GET computes, never stores


def test_fair_price_of_another_merchants_product_is_404(api_a, merchant_b):
    factories.ProductFactory(merchant=merchant_b, external_id="P-THEIRS")
    response = api_a.get("/api/v1/products/P-THEIRS/fair-price")
    assert response.status_code == 404


def test_fair_price_without_comparables_is_unavailable_not_an_error(api_a, merchant_a):
    factories.ProductFactory(merchant=merchant_a, external_id="P-FREE", price=Decimal("0"))
    body = api_a.get("/api/v1/products/P-FREE/fair-price").json()
    assert body["available"] is False and body["low"] is None and body["position"] is None


def test_outliers_are_furthest_out_first_and_filterable(api_a, merchant_a):
    far = outlier_product(merchant_a, price="90.00")
    near = outlier_product(merchant_a, price="25.00")
    cheap = factories.ProductFactory(merchant=merchant_a, price=Decimal("5.00"))
    suggest(cheap, "10.00", "15.00", "20.00")
    inside = factories.ProductFactory(merchant=merchant_a, price=Decimal("15.00"))
    suggest(inside, "10.00", "15.00", "20.00")
    inactive = outlier_product(merchant_a, price="500.00", active=False)
    rows = api_a.get("/api/v1/pricing/outliers").json()["results"]
    ids = [row["external_id"] for row in rows]
    assert ids == [far.external_id, cheap.external_id, near.external_id]
    assert inside.external_id not in ids and inactive.external_id not in ids
    assert rows[0]["position"] == "above" and rows[0]["gap"] == pytest.approx(3.5)
    assert rows[1]["position"] == "below" and rows[1]["gap"] == pytest.approx(0.5)
    above = api_a.get("/api/v1/pricing/outliers", {"position": "above"}).json()["results"]
    assert [row["external_id"] for row in above] == [far.external_id, near.external_id]


def test_outliers_page_through_with_the_cursor(api_a, merchant_a):
    for price in ("30.00", "40.00", "50.00"):
        outlier_product(merchant_a, price=price)
    first = api_a.get("/api/v1/pricing/outliers", {"page_size": 2}).json()
    second = api_a.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1


def test_a_bad_filter_names_the_field(api_a):
    response = api_a.get("/api/v1/pricing/outliers", {"position": "sideways"})
    assert response.status_code == 400
    assert "position" in response.json()["errors"]
