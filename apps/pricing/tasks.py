"""Hourly refresh of the stored price suggestions, on the real-time queue: one prediction batch
over the listings whose suggestion is missing or outdated, not training."""

from __future__ import annotations

from celery import shared_task

from apps.pricing.services import suggestions_refresh_outdated


@shared_task(name="pricing.refresh_suggestions")
def refresh_suggestions_task() -> int:
    return suggestions_refresh_outdated()
