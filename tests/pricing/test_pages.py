"""The product page's fair price card and the portal's price outliers page (rows, filters, CSV)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.pricing.models import PriceSuggestion
from tests import factories
from tests.pricing.builders import outlier_product, suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(client, staff_a):
    client.force_login(staff_a)
    return client


def test_product_page_shows_the_range_and_where_the_price_sits(client_a, merchant_a):
    product = outlier_product(merchant_a, price="90.00")
    html = client_a.get(reverse("catalog:product-detail", args=[product.external_id])).content.decode()
    assert 'data-fair-price="above"' in html
    assert "10.00 – 20.00" in html and "Above range" in html
    assert "interquartile range of 10 listings" in html


def test_reading_the_product_page_writes_no_suggestion(client_a, merchant_a):
    category = factories.CategoryFactory(name="Mugs")
    product, *_ = (factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(p)) for p in ("9", "12", "15"))
    url = reverse("catalog:product-detail", args=[product.external_id])
    assert 'data-fair-price="below"' in client_a.get(url).content.decode()  # computed on read...
    assert PriceSuggestion.objects.count() == 0  # ...not stored
    suggest(product, "1.00", "2.00", "3.00")
    PriceSuggestion.objects.update(computed_at=timezone.now() - timedelta(days=1))
    before = list(PriceSuggestion.objects.values())
    assert client_a.get(url).status_code == 200
    assert list(PriceSuggestion.objects.values()) == before


def test_product_page_shows_the_models_error(trained, catalog, client, platform_admin):
    client.force_login(platform_admin)
    product = catalog[0]
    html = client.get(reverse("catalog:product-detail", args=[product.external_id])).content.decode()
    metrics = trained.version.metrics
    assert f"Fair price model v{trained.version.version}" in html
    assert f"off by {round(metrics['mape'] * 100)}%" in html
    assert f"held {round(metrics['coverage'] * 100)}% of real prices" in html


def test_product_page_without_comparables_still_opens(client_a, merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, price=Decimal("0"))
    response = client_a.get(reverse("catalog:product-detail", args=[product.external_id]))
    assert response.status_code == 200
    assert "No priced listing to compare with yet" in response.content.decode()


def test_outliers_page_lists_own_outliers_with_counts_and_filters(client_a, merchant_a, merchant_b):
    mine = outlier_product(merchant_a, title="Gold Mug")
    theirs = outlier_product(merchant_b, title="Platinum Mug")
    within = factories.ProductFactory(merchant=merchant_a, title="Fair Mug", price=Decimal("15"))
    suggest(within, "10.00", "15.00", "20.00")
    html = client_a.get(reverse("pricing:outliers")).content.decode()
    assert mine.title in html and theirs.title not in html and within.title not in html
    assert "350%" in html  # 90 against a top of 20
    below = client_a.get(reverse("pricing:outliers"), {"position": "below"}).content.decode()
    assert mine.title not in below and "No listing matches these filters" in below


def test_outliers_csv_holds_only_own_rows(client_a, merchant_a, merchant_b):
    mine = outlier_product(merchant_a)
    outlier_product(merchant_b)
    response = client_a.get(reverse("pricing:outliers"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("external_id,title,merchant")
    assert len(lines) == 2 and lines[1].startswith(mine.external_id)
    assert ",above," in lines[1] and PriceSuggestion.Source.CATEGORY in lines[1]


def test_the_outliers_page_is_in_the_navigation(client_a):
    html = client_a.get(reverse("dashboard:home")).content.decode()
    assert reverse("pricing:outliers") in html
