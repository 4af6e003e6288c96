"""Celery tasks keeping the analytics rollups current (scheduled in AnalyticsConfig.ready)."""
from __future__ import annotations

from collections.abc import Iterable

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
def rollups_rebuild_task() -> None:
    """Rebuild every rollup (nightly: picks up a new segmentation and bulk-updated rows)."""
    anomalies_detect_all(rollups_rebuild().merchant_ids)
