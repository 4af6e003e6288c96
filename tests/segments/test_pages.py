"""The Segments pages: each merchant sees only its own segmentation, customers and CSV."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests import factories
from tests.segments.builders import segment_for


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _linked(merchant, external_id):
    return factories.MerchantCustomerFactory(
        merchant=merchant, customer=factories.CustomerFactory(external_id=external_id)
    ).customer


def test_the_page_shows_the_merchants_segmentation_and_not_enough_data_for_clv(merchant_a, merchant_b, staff_a):
    segment_for(merchant_a, _linked(merchant_a, "C-MINE"), name="Mug regulars")
    segment_for(merchant_b, _linked(merchant_b, "C-THEIRS"), name="Print fans")
    html = _client(staff_a).get(reverse("segments:home")).content.decode()
    assert "Mug regulars" in html and "Print fans" not in html and escape(merchant_b.name) not in html
    assert 'data-testid="clv-not-enough"' in html and "at least 500 are needed" in html
    assert 'data-figure="chart-segment-sizes-data"' in html or "chart-segment-sizes" in html
    assert _client(staff_a).get(reverse("segments:home"), {"merchant": merchant_b.slug}).status_code == 404


def test_platform_staff_pick_a_merchant_or_the_platform_wide_segmentation(merchant_a, merchant_b, platform_admin):
    segment_for(merchant_b, _linked(merchant_b, "C-THEIRS"), name="Print fans")
    segment_for(None, factories.CustomerFactory(), name="Everyone")
    client = _client(platform_admin)
    default = client.get(reverse("segments:home")).content.decode()
    assert "Everyone" in default and "Print fans" not in default
    assert "Print fans" in client.get(reverse("segments:home"), {"merchant": merchant_b.slug}).content.decode()


def test_no_segmentation_yet_says_how_to_make_one(merchant_a, staff_a):
    html = _client(staff_a).get(reverse("segments:home")).content.decode()
    assert "No segmentation yet" in html and "manage.py train segments" in html


def test_segment_csv_holds_only_its_customers_and_other_merchants_segments_are_404(merchant_a, merchant_b, staff_a):
    mine = segment_for(merchant_a, _linked(merchant_a, "C-MINE"))
    theirs = segment_for(merchant_b, _linked(merchant_b, "C-THEIRS"))
    platform = segment_for(None, _linked(merchant_a, "C-EVERYONE"))
    client = _client(staff_a)
    response = client.get(reverse("segments:segment-detail", kwargs={"pk": mine.pk}), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("C-MINE,") and "Regulars,New,5,1,1" in lines[1]
    for foreign in (theirs, platform):
        assert client.get(reverse("segments:segment-detail", kwargs={"pk": foreign.pk}), {"format": "csv"}).status_code == 404


def test_the_customer_page_shows_the_customers_segment_in_visible_scopes_only(merchant_a, merchant_b, staff_a):
    customer = _linked(merchant_a, "C-BOTH")
    factories.MerchantCustomerFactory(merchant=merchant_b, customer=customer)
    segment_for(merchant_a, customer, name="Mug regulars")
    segment_for(merchant_b, customer, name="Print fans")
    html = _client(staff_a).get(reverse("customers:customer-detail", kwargs={"external_id": "C-BOTH"})).content.decode()
    assert 'data-testid="customer-segments"' in html
    assert "Mug regulars" in html and "Print fans" not in html
