"""Celery tasks of the fraud app."""

from __future__ import annotations

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from apps.fraud.models import WebhookDelivery

RETRY_BACKOFF_SECONDS = 30
RETRY_BACKOFF_MAX_SECONDS = 3600


def webhook_retry_delay(*, attempts_made: int) -> int:
    """Exponential backoff with full jitter (up to 30 s, 60 s, 120 s ...), so receivers coming back up
    are not hit by every delayed delivery at the same instant."""
    return get_exponential_backoff_interval(
        factor=RETRY_BACKOFF_SECONDS, retries=attempts_made - 1, maximum=RETRY_BACKOFF_MAX_SECONDS, full_jitter=True
    )


@shared_task(name="fraud.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int) -> None:
    """Try one webhook delivery; while it stays pending (a transient failure), schedule the next try.

    The next try is a new message with a countdown rather than `self.retry`: eager Celery (tests, a
    laptop without Redis) propagates `Retry` as an exception into whatever committed the delivery,
    where scoring must never fail because a merchant's server is down.
    """
    # Imported here, as the HackSoft styleguide suggests: the service module schedules this task.
    from apps.fraud.webhooks import webhook_attempt

    delivery = webhook_attempt(delivery_id=delivery_id)
    if delivery.status == WebhookDelivery.Status.PENDING:
        webhook_deliver.apply_async(args=[delivery_id], countdown=webhook_retry_delay(attempts_made=delivery.attempts))
