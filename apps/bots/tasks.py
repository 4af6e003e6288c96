"""Beat's job judging recent storefront sessions (scheduled in BotsConfig.ready)."""
from __future__ import annotations

from celery import shared_task

from apps.bots.services import describe, sessions_score_recent


@shared_task(name="bots.score_recent", ignore_result=True)
def score_recent_task() -> dict:
    """Idempotent: it re-judges whole sessions and rewrites their verdicts, so a repeat changes nothing."""
    return describe(sessions_score_recent())
