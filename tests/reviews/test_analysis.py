"""Storing review analyses: what is stored, idempotence, analysis on save, the model and its fallback."""
from __future__ import annotations

import pytest

from apps.mlops.models import ModelVersion
from apps.mlops.services import ModelCard, model_promote, model_register
from apps.reviews import services
from apps.reviews.analysis_service import review_text, reviews_analyze
from apps.reviews.models import ReviewAnalysis
from apps.reviews.scoring import SENTIMENT_MODEL_NAME, active_scorer
from apps.reviews.tasks import analyze_pending_task
from ml.text.sentiment import BlendedScorer, classifier_pipeline
from tests import factories
from tests.reviews.conftest import make_reviews, rated_texts


@pytest.fixture
def product(merchant_a):
    return factories.ProductFactory(merchant=merchant_a, title="Alpha Mug")


def test_analysis_stores_sentiment_sentences_and_aspects_with_evidence(product):
    [review] = make_reviews(product, [("Great mug but slow delivery. The seller was helpful.", 4)])
    assert reviews_analyze([review]) == 1
    analysis = ReviewAnalysis.objects.get(review=review)
    assert analysis.model_version == "vader+domain"
    assert [s["text"] for s in analysis.sentences] == ["Great mug but slow delivery.", "The seller was helpful."]
    aspects = {(a["aspect"], a["sentiment"], a["evidence"]) for a in analysis.aspects}
    assert ("delivery", "negative", "slow delivery.") in aspects
    assert ("customer service", "positive", "The seller was helpful.") in aspects


def test_re_analysis_replaces_the_row(product):
    [review] = make_reviews(product, [("Lovely mug, fast delivery.", 5)])
    reviews_analyze([review])
    first = ReviewAnalysis.objects.get(review=review)
    review.text = "Awful mug, slow delivery."
    review.save()
    reviews_analyze([review])
    assert ReviewAnalysis.objects.filter(review=review).count() == 1
    second = ReviewAnalysis.objects.get(review=review)
    assert (first.sentiment, second.sentiment) == ("positive", "negative")
    assert second.analysed_at >= first.analysed_at


def test_title_is_analysed_as_the_first_sentence(product):
    [review] = make_reviews(product, [("Arrived on Tuesday.", 2)])
    review.title = "Avoid"
    assert review_text(review) == "Avoid. Arrived on Tuesday."


def test_a_saved_review_is_analysed_after_commit(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review = factories.ReviewFactory(
            merchant=product.merchant, product=product, title="", text="Terrible quality.", rating=1
        )
        assert not ReviewAnalysis.objects.filter(review=review).exists()  # not before the commit
    assert len(callbacks) == 1
    assert ReviewAnalysis.objects.get(review=review).sentiment == "negative"


def test_reviews_created_through_the_service_are_analysed(product, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review, created = services.review_create(
            actor=staff_a, product=product, external_id="R-SVC", rating=5, text="Beautiful engraving, love it."
        )
    assert created and review.analysis.sentiment == "positive"


def test_the_pending_sweep_analyses_reviews_that_skipped_the_signal(product):
    reviews = make_reviews(product, rated_texts())  # factories outside on_commit: no analysis yet
    assert not ReviewAnalysis.objects.exists()
    assert analyze_pending_task() == len(reviews)
    assert analyze_pending_task() == 0


def _register_model(texts_and_ratings) -> ModelVersion:
    texts = [t for t, _ in texts_and_ratings]
    labels = ["positive" if r >= 4 else "negative" if r <= 2 else "neutral" for _, r in texts_and_ratings]
    scorer = BlendedScorer(classifier_pipeline().fit(texts, labels), classifier_weight=1.0, band=0.05)
    version = model_register(name=SENTIMENT_MODEL_NAME, obj=scorer, card=ModelCard({}, {}, ["text"], None, None, {}))
    return model_promote(version=version)


def test_the_production_model_scores_reviews_when_registered(product):
    version = _register_model(rated_texts(repeat=4))
    [review] = make_reviews(product, [("Terrible quality, the print faded after one wash.", 1)])
    reviews_analyze([review])
    analysis = ReviewAnalysis.objects.get(review=review)
    assert analysis.model_version == f"sentiment v{version.version}" == "sentiment v1"
    assert analysis.sentiment == "negative"


def test_a_model_that_fails_to_load_falls_back_to_vader(product):
    version = _register_model(rated_texts(repeat=4))
    ModelVersion.objects.filter(pk=version.pk).update(checksum="0" * 64)  # the artifact no longer verifies
    assert active_scorer().version == "vader+domain"
    [review] = make_reviews(product, [("Great value.", 5)])
    reviews_analyze([review])
    assert ReviewAnalysis.objects.get(review=review).model_version == "vader+domain"


def test_analysing_nothing_writes_nothing():
    assert reviews_analyze([]) == 0


def test_a_failing_analysis_does_not_fail_the_save(product, monkeypatch, django_capture_on_commit_callbacks):
    def broken(reviews):
        raise RuntimeError("scorer down")

    monkeypatch.setattr("apps.reviews.analysis_service.reviews_analyze", broken)
    with django_capture_on_commit_callbacks(execute=True):
        review = factories.ReviewFactory(merchant=product.merchant, product=product, text="Fine.")
    assert review.pk and not ReviewAnalysis.objects.filter(review=review).exists()
    monkeypatch.undo()
    assert analyze_pending_task() == 1
