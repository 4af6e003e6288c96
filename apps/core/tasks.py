"""Celery tasks of the core app."""
from celery import shared_task

from apps.core.notifications import notify


@shared_task(name="core.notify", ignore_result=False)
def notify_task(merchant_id: int | None, payload: dict) -> dict:
    """Push a notification to portal websockets from a worker (progress of imports, training, cases)."""
    notify(merchant_id=merchant_id, payload=payload)
    return payload
