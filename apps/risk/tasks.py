"""Nightly refresh of risk scores (and on demand from the API), on the real-time queue: it is
a few aggregate queries per shop, not training."""
from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from apps.risk.services import risk_scores_refresh


@shared_task(name="risk.refresh_scores")
def refresh_scores_task(merchant_ids: list[int] | None = None) -> dict:
    return asdict(risk_scores_refresh(merchant_ids=merchant_ids))
