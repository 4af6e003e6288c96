"""POST /api/v1/reviews/analyze and the insights endpoints."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.reviews.analysis_service import reviews_analyze
from tests import factories
from tests.reviews.conftest import make_reviews, rated_texts

ANALYZE = "/api/v1/reviews/analyze"


def test_analyze_route_is_where_the_issue_says():
    assert reverse("review-analyze") == ANALYZE


def test_analyze_returns_sentiment_sentences_aspects_and_evidence(api_a):
    response = api_a.post(ANALYZE, {"text": "Great mug but slow delivery. The seller never replied."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model_version"] == "vader+domain"
    assert body["sentiment"] == "negative"
    assert [s["text"] for s in body["sentences"]] == ["Great mug but slow delivery.", "The seller never replied."]
    aspects = {(a["aspect"], a["sentiment"]): a["evidence"] for a in body["aspects"]}
    assert aspects[("delivery", "negative")] == "slow delivery."
    assert "customer service" in {a for a, _ in aspects}
    assert body["topics"] == {"topic": None, "topics": [], "coherence": None}  # no reviews to find topics in


def test_analyze_names_the_topic_of_the_callers_reviews_the_text_fits(api_a, merchant_a):
    product = factories.ProductFactory(merchant=merchant_a)
    make_reviews(product, [(f"The courier lost the parcel, tracking {n}.", 2) for n in range(8)]
                 + [(f"Engraving font and lettering {n} perfect.", 5) for n in range(8)])
    body = api_a.post(ANALYZE, {"text": "The courier lost my parcel."}, format="json").json()
    assert body["topics"]["topic"] is not None
    assert {"courier", "parcel"} & set(body["topics"]["topic"]["terms"])
    assert len(body["topics"]["topics"]) >= 2


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": ""}, {"text": "   "}, {"text": "x" * 5001}, {"text": ["list"]}],
    ids=["missing", "empty", "blank", "oversized", "not-a-string"],
)
def test_analyze_rejects_bad_text_naming_the_field(api_a, payload):
    response = api_a.post(ANALYZE, payload, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_analyze_accepts_the_longest_allowed_text(api_a):
    assert api_a.post(ANALYZE, {"text": "Lovely. " * 625}, format="json").status_code == 200  # 5,000 characters


def test_analyze_refuses_anonymous_and_customers(api_client_for, customer_user):
    assert api_client_for(None).post(ANALYZE, {"text": "ok"}, format="json").status_code == 401
    assert api_client_for(customer_user).post(ANALYZE, {"text": "ok"}, format="json").status_code == 403


@pytest.fixture
def analysed_product(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, external_id="P-INSIGHT")
    reviews_analyze(make_reviews(product, rated_texts(repeat=2)))
    return product


def test_product_insights(api_a, analysed_product):
    response = api_a.get(f"/api/v1/reviews/product/{analysed_product.external_id}/insights")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["reviews"], body["analysed"]) == (18, 18)
    assert body["sentiment"]["positive"] >= 6 and body["sentiment"]["negative"] >= 6
    assert sum(week["reviews"] for week in body["over_time"]) == 18
    aspects = {a["aspect"]: a for a in body["aspects"]}
    assert aspects["delivery"]["positive"] == 2  # "Delivery was fast." twice
    assert aspects["delivery"]["negative"] == 4  # "Slow delivery ..." and "... arrived damaged", twice each
    assert {p["aspect"] for p in body["summary"]["cons"]} & {"delivery", "packaging", "quality"}
    assert all(c["reviews"] >= 1 and c["sentence"] for c in body["summary"]["cons"])
    assert body["topics"]["documents"] == 18


def test_another_merchants_product_insights_are_not_found(api_b, analysed_product):
    assert api_b.get(f"/api/v1/reviews/product/{analysed_product.external_id}/insights").status_code == 404


def test_merchant_insights(api_a, merchant_a, analysed_product):
    body = api_a.get(f"/api/v1/reviews/merchant/{merchant_a.slug}/insights").json()
    assert body["analysed"] == 18 and body["average_rating"] == pytest.approx(3.0)
