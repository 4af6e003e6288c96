"""Celery tasks keeping the analytics rollups current (scheduled in AnalyticsConfig.ready)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from celery import shared_task
from django.utils import timezone

from apps.analytics.anomalies import anomalies_detect
from apps.analytics.rollups import rollups_rebuild, rollups_refresh


def anomalies_detect_all(merchant_ids: Iterable[int]) -> int:
    today = timezone.now().date()
    return sum(len(anomalies_detect(merchant_id=m, today=today)) for m in merchant_ids)


@shared_task(name="analytics.rollups_refresh", ignore_result=True)
def rollups_refresh_task() -> None:
    """Recompute the days touched since the last run, then flag anomalies of the merchants touched."""
    anomalies_detect_all(rollups_refresh().merchant_ids)


@shared_task(name="analytics.rollups_rebuild", ignore_result=True)
def rollups_rebuild_task(merchant_ids: list[int] | None = None, since: str | None = None) -> None:
    """Rebuild rollups, then flag anomalies of the merchants rebuilt.

    Without arguments (the nightly job) every rollup, which picks up a new segmentation and
    bulk-updated rows; bot scoring queues the days of `merchant_ids` from `since` (an ISO date,
    JSON-safe) whose sessions changed verdict.
    """
    summary = rollups_rebuild(merchant_ids=merchant_ids, since=date.fromisoformat(since) if since else None)
    anomalies_detect_all(summary.merchant_ids)
