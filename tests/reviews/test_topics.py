"""Each review's stored topics: written by analyze_reviews and the tasks, shown on the review page,
filterable in the review list and the API (?topic=), scoped by merchant."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from apps.reviews.analysis_service import reviews_analyze
from apps.reviews.models import ReviewAnalysis
from apps.reviews.tasks import analyze_pending_task
from apps.reviews.topic_service import merchant_topics_refit
from tests import factories
from tests.reviews.conftest import make_reviews

COURIER = [f"The courier lost the parcel, tracking number {n} useless." for n in range(8)]
ENGRAVING = [f"Engraving font and lettering {n} came out perfect." for n in range(8)]
UNRELATED = "Zebra quantum xylophone marmalade."


def _themed(product, extra: tuple[str, ...] = ()):
    texts = [(t, 2) for t in COURIER] + [(t, 5) for t in ENGRAVING] + [(t, 3) for t in extra]
    return make_reviews(product, texts)


def _analyse_all() -> str:
    out = StringIO()
    call_command("analyze_reviews", "--no-progress", stdout=out)
    return out.getvalue()


def _topic_of(review) -> ReviewAnalysis:
    return ReviewAnalysis.objects.get(review=review)


@pytest.fixture
def themed(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, external_id="P-TOPICS")
    reviews = _themed(product, extra=(UNRELATED,))
    output = _analyse_all()
    return reviews, output


def test_backfill_stores_each_reviews_topic_with_weights(themed):
    reviews, output = themed
    assert "Topics of" in output and "topic(s), coherence" in output
    courier, engraving, odd = _topic_of(reviews[0]), _topic_of(reviews[8]), _topic_of(reviews[-1])
    assert courier.topic and engraving.topic and courier.topic != engraving.topic
    assert {"courier", "parcel"} & set(courier.topic.split(" / "))
    assert courier.topics[0]["label"] == courier.topic and courier.topics[0]["weight"] > 0.5
    assert {"label", "terms", "weight"} == set(courier.topics[0])
    assert sum(share["weight"] for share in courier.topics) <= 1.0001
    # Every review of a theme carries the same label: one fit labels the whole merchant.
    assert {_topic_of(r).topic for r in reviews[:8]} == {courier.topic}
    # A review about nothing the others talk about is stored as fitting none, not forced in.
    assert odd.topic == "" and odd.topics == [] and odd.topics_at is not None


def test_a_new_review_is_placed_with_the_kept_model_without_refitting(themed, merchant_a, monkeypatch):
    reviews, _ = themed
    label = _topic_of(reviews[0]).topic
    monkeypatch.setattr("apps.reviews.topic_service.fit_topics", _refuse_refit)
    [new] = make_reviews(reviews[0].product, [("The courier lost my parcel again.", 1)])
    assert reviews_analyze([new]) == 1  # what the on-save Celery task runs
    assert _topic_of(new).topic == label


def _refuse_refit(*args, **kwargs):
    raise AssertionError("the topic model was refitted for one review")


def test_the_pending_sweep_refits_the_merchants_topics(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a)
    reviews = _themed(product)
    assert analyze_pending_task() == len(reviews)
    assert all(a.topics_at is not None for a in ReviewAnalysis.objects.all())
    assert len({a.topic for a in ReviewAnalysis.objects.all()}) == 2


def test_too_few_reviews_mark_reviews_as_fitting_no_topic(merchant_a):
    reviews = make_reviews(factories.ProductFactory(merchant=merchant_a), [("Lovely mug.", 5), ("Slow delivery.", 2)])
    reviews_analyze(reviews)
    assert merchant_topics_refit(merchant_a.pk) is None
    assert [(a.topic, a.topics) for a in ReviewAnalysis.objects.all()] == [("", []), ("", [])]
    assert all(a.topics_at is not None for a in ReviewAnalysis.objects.all())


def test_api_filters_reviews_by_topic_and_shows_the_weights(api_a, api_b, themed):
    reviews, _ = themed
    label = _topic_of(reviews[0]).topic
    response = api_a.get("/api/v1/reviews/", {"topic": label, "page_size": 100})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert {r["id"] for r in results} == {r.pk for r in reviews[:8]}
    assert results[0]["analysis"]["topic"] == label
    assert results[0]["analysis"]["topics"][0]["weight"] > 0.5
    none = api_a.get("/api/v1/reviews/", {"topic": "none"}).json()["results"]
    assert [r["id"] for r in none] == [reviews[-1].pk]
    detail = api_a.get(f"/api/v1/reviews/{reviews[8].pk}/").json()
    assert detail["analysis"]["topic"] == _topic_of(reviews[8]).topic
    # Another merchant's staff: the label matches nothing of theirs, the review itself is not found.
    assert api_b.get("/api/v1/reviews/", {"topic": label}).json()["results"] == []
    assert api_b.get(f"/api/v1/reviews/{reviews[0].pk}/").status_code == 404


def test_unanalysed_review_has_a_null_analysis_over_the_api(api_a, merchant_a):
    [review] = make_reviews(factories.ProductFactory(merchant=merchant_a), [("Fine.", 4)])
    assert api_a.get(f"/api/v1/reviews/{review.pk}/").json()["analysis"] is None


def test_review_page_shows_its_topics_and_the_list_filters_by_topic(client, staff_a, staff_b, themed):
    reviews, _ = themed
    analysis = _topic_of(reviews[0])
    client.force_login(staff_a)
    page = client.get(reverse("reviews:review-detail", args=[reviews[0].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for share in analysis.topics:
        assert escape(share["label"]) in html
        assert f'value="{share["weight"]}"' in html  # the weight bar
    assert "Aspects" in html and "delivery" in html.lower()
    odd = client.get(reverse("reviews:review-detail", args=[reviews[-1].pk])).content.decode()
    assert "fits no topic" in odd
    listing = client.get(reverse("reviews:review-list"), {"topic": analysis.topic}).content.decode()
    assert f'<option value="{escape(analysis.topic)}" selected>' in listing
    assert listing.count("data-topic>") == 8
    assert reverse("reviews:review-detail", args=[reviews[0].pk]) in listing
    assert reverse("reviews:review-detail", args=[reviews[8].pk]) not in listing
    client.force_login(staff_b)
    assert client.get(reverse("reviews:review-detail", args=[reviews[0].pk])).status_code == 404
