"""The Risk page and a seller's page: rows, evidence, CSV, sellers for platform staff only, and the
risk card on the customer page."""
from __future__ import annotations

from django.urls import reverse

from tests.risk.test_api import _score


def test_list_shows_own_customers_with_their_reasons_and_a_chart(login, staff_a, merchant_a, merchant_b):
    mine, theirs = _score(merchant_a), _score(merchant_b)
    _score(merchant_a, subject="seller")
    html = login(staff_a).get(reverse("risk:list")).content.decode()
    assert mine.customer.external_id in html and theirs.customer.external_id not in html
    assert "why" in html and 'id="chart-risk-bands"' in html
    assert "Seller " not in html, "seller rows are evidence against the shop: platform staff only"


def test_csv_holds_own_rows_only(login, staff_a, merchant_a, merchant_b):
    mine, theirs = _score(merchant_a), _score(merchant_b)
    body = b"".join(login(staff_a).get(reverse("risk:list"), {"format": "csv"}).streaming_content).decode()
    assert mine.customer.external_id in body and theirs.customer.external_id not in body
    assert body.splitlines()[0].startswith("subject,merchant,customer,score,band")


def test_platform_staff_see_sellers_and_a_sellers_page(login, analyst, staff_a, merchant_a):
    _score(merchant_a, subject="seller", score=0.95)
    client = login(analyst)
    html = client.get(reverse("risk:list"), {"subject": "seller"}).content.decode()
    seller_url = reverse("risk:seller-detail", kwargs={"slug": merchant_a.slug})
    assert seller_url in html
    page = client.get(seller_url).content.decode()
    assert "0.95" in page and "why" in page
    assert login(staff_a).get(seller_url).status_code == 403


def test_customer_page_carries_the_risk_card(login, staff_a, merchant_a):
    row = _score(merchant_a)
    url = reverse("customers:customer-detail", kwargs={"external_id": row.customer.external_id})
    html = login(staff_a).get(url).content.decode()
    assert 'data-testid="customer-risk"' in html and "why" in html and "high" in html
