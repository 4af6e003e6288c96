"""The risk API beyond the generated tenancy checks: seller rows for platform staff only, filter
errors naming the field, a customer's scores per shop, refresh on demand."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from apps.risk.models import RiskScore
from tests import factories

LIST = reverse("risk-score-list")


def _score(merchant, *, subject="customer", customer=None, score=0.8, band="high"):
    if subject == "customer" and customer is None:
        customer = factories.MerchantCustomerFactory(merchant=merchant).customer
    return RiskScore.objects.create(
        merchant=merchant,
        subject=subject,
        customer=customer,
        score=score,
        band=band,
        components=[
            {"source": "fraud", "score": score, "weight": 1.0, "reasons": ["why"], "observed_at": "2026-12-01T00:00:00Z"}
        ],
        computed_at=timezone.now(),
    )


def test_seller_rows_are_for_platform_staff_only(merchant_a, api_a, api_client_for, analyst):
    customer_row, seller_row = _score(merchant_a), _score(merchant_a, subject="seller")
    assert [row["id"] for row in api_a.get(LIST).json()["results"]] == [customer_row.pk]
    assert api_a.get(reverse("risk-score-detail", kwargs={"pk": seller_row.pk})).status_code == 404
    rows = api_client_for(analyst).get(LIST, {"subject": "seller"}).json()["results"]
    assert [(row["id"], row["merchant"], row["customer_id"]) for row in rows] == [(seller_row.pk, merchant_a.slug, None)]


def test_rows_come_riskiest_first_and_filter_by_band(merchant_a, api_a):
    low, high = _score(merchant_a, score=0.2, band="low"), _score(merchant_a, score=0.9)
    assert [row["id"] for row in api_a.get(LIST).json()["results"]] == [high.pk, low.pk]
    assert [row["id"] for row in api_a.get(LIST, {"band": "low"}).json()["results"]] == [low.pk]
    body = api_a.get(LIST, {"band": "severe", "subject": "planet"}).json()
    assert set(body["errors"]) == {"band", "subject"}


def test_a_customers_scores_name_each_shop_and_the_evidence(merchant_a, merchant_b, api_a, api_client_for, platform_admin):
    customer = factories.CustomerFactory()
    factories.MerchantCustomerFactory(merchant=merchant_a, customer=customer)
    factories.MerchantCustomerFactory(merchant=merchant_b, customer=customer)
    _score(merchant_a, customer=customer, score=0.9)
    _score(merchant_b, customer=customer, score=0.3, band="low")
    url = reverse("customer-risk", kwargs={"external_id": customer.external_id})
    mine = api_a.get(url).json()
    assert [(s["merchant"], s["score"]) for s in mine["scores"]] == [(merchant_a.slug, 0.9)]
    assert mine["scores"][0]["components"][0]["reasons"] == ["why"]
    every = api_client_for(platform_admin).get(url).json()
    assert [s["merchant"] for s in every["scores"]] == [merchant_a.slug, merchant_b.slug]


def test_refresh_recomputes_the_callers_shops_and_names_a_bad_merchant(merchant_a, merchant_b, api_a):
    from tests.fraud.case_factories import make_assessment

    mine, theirs = make_assessment(merchant_a, score=0.9), make_assessment(merchant_b, score=0.9)
    response = api_a.post(reverse("risk-score-refresh"), {}, format="json")
    assert response.status_code == 200 and response.json() == {"merchants": 1, "customers": 1, "sellers": 0, "high": 1}
    assert list(RiskScore.objects.values_list("customer_id", flat=True)) == [mine.payment.customer_id]
    assert theirs.payment.customer_id not in RiskScore.objects.values_list("customer_id", flat=True)
    refused = api_a.post(reverse("risk-score-refresh"), {"merchant": merchant_b.slug}, format="json")
    assert refused.status_code == 400 and "merchant" in refused.json()["errors"]
