"""Writing each review's topics: fit a merchant's topic model and store every review's topic shares.

Topics are a property of a merchant's whole set of reviews (NMF over them), so they are fitted
per merchant, never per review: `merchant_topics_refit` fits the merchant's newest reviews (the
same set and settings as the merchant's Review insights page) and rewrites the topics of every
analysed review of that merchant, so all of them carry labels of the same fit. A review analysed
between two fits is placed with the last fitted model (kept in the cache), without refitting.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.reviews.models import Review, ReviewAnalysis
from apps.reviews.scoring import opinion_words
from ml.text.aspects import GENERIC_WORDS
from ml.text.topics import Membership, TopicModel, fit_topics

FIT_REVIEWS = 5000
"""Newest reviews of a merchant the model is fitted on (the insights pages read as many)."""
WRITE_BATCH = 1000
_CACHE_KEY = "reviews:merchant-topic-model:{merchant_id}"


def _cache_key(merchant_id: int) -> str:
    return _CACHE_KEY.format(merchant_id=merchant_id)


def topic_exclusions() -> frozenset[str]:
    """Opinion and generic words would make topics of feelings ("great / lovely"), not of subjects."""
    return frozenset(opinion_words() | GENERIC_WORDS)


def topics_payload(model: TopicModel, membership: Membership) -> tuple[str, list[dict]]:
    """(label of the topic the review fits or "", [{label, terms, weight}]) as stored on the analysis."""
    label = model.topics[membership.topic].label[:200] if membership.topic is not None else ""
    shares = [
        {"label": model.topics[topic].label, "terms": model.topics[topic].terms, "weight": share}
        for topic, share in membership.shares
    ]
    return label, shares


def merchant_topics_refit(merchant_id: int) -> TopicModel | None:
    """Fit the merchant's topics afresh, keep the model for new reviews, and rewrite every analysed review's topics.

    Under MIN_DOCUMENTS reviews with text there are no topics: rows are then marked assigned with
    none (topic blank, topics empty), which the review list's "no topic" filter shows as such.
    """
    texts = list(
        Review.objects.filter(merchant_id=merchant_id)
        .exclude(text="")
        .order_by("-created_at", "-pk")
        .values_list("text", flat=True)[:FIT_REVIEWS]
    )
    model = fit_topics(texts, exclude=topic_exclusions())
    cache.set(_cache_key(merchant_id), model or False, None)
    analyses = ReviewAnalysis.objects.filter(review__merchant_id=merchant_id).order_by("pk")
    last_pk = 0
    while True:
        batch = list(analyses.filter(pk__gt=last_pk).select_related("review").only("pk", "review__text")[:WRITE_BATCH])
        if not batch:
            return model
        _assign(batch, model)
        last_pk = batch[-1].pk


def merchants_topics_refit(merchant_ids: Iterable[int]) -> dict[int, TopicModel | None]:
    return {merchant_id: merchant_topics_refit(merchant_id) for merchant_id in sorted(set(merchant_ids))}


def reviews_assign_topics(reviews: Sequence[Review]) -> int:
    """Place newly analysed `reviews` among their merchant's last fitted topics (fitting once if none is kept).

    Returns how many analysis rows were written.
    """
    by_merchant: dict[int, list[int]] = {}
    for review in reviews:
        by_merchant.setdefault(review.merchant_id, []).append(review.pk)
    written = 0
    for merchant_id, review_ids in by_merchant.items():
        kept = cache.get(_cache_key(merchant_id))
        if kept is None:  # never fitted (or evicted): the refit writes every row, these included
            merchant_topics_refit(merchant_id)
            written += len(review_ids)
            continue
        batch = list(ReviewAnalysis.objects.filter(review_id__in=review_ids).select_related("review").only("pk", "review__text"))
        written += _assign(batch, kept or None)
    return written


def _assign(analyses: list[ReviewAnalysis], model: TopicModel | None) -> int:
    now = timezone.now()
    texts = [analysis.review.text for analysis in analyses]
    memberships = model.memberships(texts) if model is not None else [Membership(None, [])] * len(texts)
    for analysis, membership in zip(analyses, memberships, strict=True):
        analysis.topic, analysis.topics = topics_payload(model, membership) if model else ("", [])
        analysis.topics_at = now
    with transaction.atomic():
        ReviewAnalysis.objects.bulk_update(analyses, ["topic", "topics", "topics_at"])
    return len(analyses)
