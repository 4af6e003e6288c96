"""A saved review is queued for analysis once its transaction commits (the worker must see the row)."""
from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.reviews.models import Review


@receiver(post_save, sender=Review, dispatch_uid="reviews.analyze_on_save")
def analyze_on_save(sender, instance: Review, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    from apps.reviews.tasks import analyze_reviews_task

    review_id = instance.pk
    # robust: with eager Celery (no broker) the analysis runs inline here, and a failure must not
    # fail the request that saved the review; the pending sweep retries it.
    transaction.on_commit(lambda: analyze_reviews_task.delay([review_id]), robust=True)
