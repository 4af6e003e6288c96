"""Writing review analyses: score reviews in batches and replace their stored analysis."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.reviews.models import Review, ReviewAnalysis
from apps.reviews.scoring import active_scorer, catalog_lexicon
from apps.reviews.topic_service import reviews_assign_topics
from ml.text.analysis import analyze_texts

BATCH_SIZE = 500


def review_text(review: Review) -> str:
    """The text analysed: the title as its own first sentence, then the body."""
    title = review.title.strip()
    if title and title[-1] not in ".!?":
        title += "."
    return " ".join(part for part in (title, review.text.strip()) if part)


def reviews_analyze(reviews: Sequence[Review], *, topics: bool = True) -> int:
    """Analyse `reviews` and store (or replace) one ReviewAnalysis each; returns how many were written.

    `topics`: also place them among their merchant's last fitted topics. Backfills pass False
    and refit the merchants' topics once at the end instead (which rewrites every row anyway).
    """
    if not reviews:
        return 0
    active = active_scorer()
    results = analyze_texts([review_text(r) for r in reviews], scorer=active.scorer, lexicon=catalog_lexicon())
    now = timezone.now()
    rows = [
        ReviewAnalysis(
            review_id=review.pk,
            sentiment=result.sentiment,
            score=result.score,
            sentences=result.as_dict()["sentences"],
            aspects=result.as_dict()["aspects"],
            model_version=active.version[:64],
            analysed_at=now,
        )
        for review, result in zip(reviews, results, strict=True)
    ]
    with transaction.atomic():
        ReviewAnalysis.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["review"],
            update_fields=["sentiment", "score", "sentences", "aspects", "model_version", "analysed_at"],
        )
    if topics:
        reviews_assign_topics(reviews)
    return len(rows)


def reviews_to_analyze(*, only_missing: bool = True, merchant_ids: Iterable[int] | None = None) -> QuerySet[Review]:
    reviews = Review.objects.order_by("pk")
    if only_missing:
        reviews = reviews.filter(analysis__isnull=True)
    if merchant_ids is not None:
        reviews = reviews.filter(merchant_id__in=list(merchant_ids))
    return reviews


def reviews_backfill(
    reviews: QuerySet[Review], *, batch_size: int = BATCH_SIZE, on_batch: Callable[[int], None] | None = None
) -> int:
    """Analyse `reviews` in primary-key batches (keyset pagination: rows written meanwhile are not skipped).

    Topics are left to the caller: refit the merchants' topics once when the batches are done.
    """
    done = 0
    last_pk = 0
    while True:
        batch = list(reviews.filter(pk__gt=last_pk).only("pk", "merchant_id", "title", "text")[:batch_size])
        if not batch:
            return done
        written = reviews_analyze(batch, topics=False)
        done += written
        last_pk = batch[-1].pk
        if on_batch is not None:
            on_batch(written)
