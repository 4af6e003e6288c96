"""Celery tasks of the reviews app: analyse new reviews, and sweep up any that were never analysed."""
from __future__ import annotations

from celery import shared_task

PENDING_SWEEP_LIMIT = 5000


@shared_task(name="reviews.analyze", ignore_result=True)
def analyze_reviews_task(review_ids: list[int]) -> int:
    """Analyse the given reviews (a review deleted meanwhile is simply skipped)."""
    from apps.reviews.analysis_service import reviews_analyze
    from apps.reviews.models import Review

    return reviews_analyze(list(Review.objects.filter(pk__in=review_ids).order_by("pk")))


@shared_task(name="reviews.analyze_pending", ignore_result=True)
def analyze_pending_task() -> int:
    """Analyse reviews that have no analysis (bulk imports and seeding bypass the save signal),
    then refit the topics of the merchants they belong to, so new themes show up."""
    from apps.reviews.analysis_service import reviews_analyze, reviews_to_analyze
    from apps.reviews.topic_service import merchants_topics_refit

    reviews = list(reviews_to_analyze()[:PENDING_SWEEP_LIMIT])
    written = reviews_analyze(reviews, topics=False)
    merchants_topics_refit(review.merchant_id for review in reviews)
    return written
