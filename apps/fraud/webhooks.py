"""Writes for decision webhooks: endpoints, deliveries, and recording each delivery attempt.

Deliveries are rows first and HTTP second: `webhooks_enqueue` stores one WebhookDelivery per active
endpoint and schedules sending only after the surrounding transaction commits, so scoring never
waits on a merchant's server and a rolled-back decision is never announced.
"""

from __future__ import annotations

import secrets
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.fraud.models import WebhookDelivery, WebhookEndpoint
from apps.fraud.tasks import webhook_deliver
from apps.fraud.webhook_transport import WebhookPermanentError, WebhookTransientError, webhook_body, webhook_post

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.merchants.models import Merchant

SECRET_PREFIX = "whsec_"


def _schedule(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        transaction.on_commit(partial(webhook_deliver.delay, delivery_id))


def webhooks_enqueue(*, merchant_id: int, event: str, payload: dict) -> None:
    """Queue `payload` for every active endpoint of the merchant (no endpoints: nothing to do)."""
    endpoints = WebhookEndpoint.objects.filter(merchant_id=merchant_id, active=True).values_list("pk", flat=True)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint_id=endpoint_id, event=event, payload=payload) for endpoint_id in endpoints]
    )
    _schedule([delivery.pk for delivery in deliveries])


def webhook_attempt(*, delivery_id: int) -> WebhookDelivery:
    """Send one pending delivery once and record the result.

    A transient failure with attempts left keeps the delivery pending (the task tries again later);
    the last transient failure, or any permanent one, makes it a dead letter, which the merchant
    sees and can redeliver.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    body = webhook_body(
        delivery_id=delivery.pk, event=delivery.event, created_at=delivery.created_at.isoformat(), data=delivery.payload
    )
    delivery.attempts = F("attempts") + 1
    try:
        delivery.last_status_code = webhook_post(
            url=delivery.endpoint.url,
            secret=delivery.endpoint.secret,
            body=body,
            event=delivery.event,
            delivery_id=delivery.pk,
            timeout=settings.FRAUD_WEBHOOK_TIMEOUT_SECONDS,
            allow_private=settings.FRAUD_WEBHOOK_ALLOW_PRIVATE,
        )
    except (WebhookTransientError, WebhookPermanentError) as exc:
        delivery.last_status_code = exc.status_code
        delivery.last_error = str(exc)[:255]
        delivery.save(update_fields=["attempts", "last_status_code", "last_error"])
        delivery.refresh_from_db(fields=["attempts"])
        if isinstance(exc, WebhookTransientError) and delivery.attempts < settings.FRAUD_WEBHOOK_MAX_ATTEMPTS:
            return delivery
        delivery.status = WebhookDelivery.Status.DEAD
        delivery.save(update_fields=["status"])
        return delivery
    delivery.status = WebhookDelivery.Status.DELIVERED
    delivery.delivered_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at"])
    delivery.refresh_from_db(fields=["attempts"])
    return delivery


def webhook_redeliver(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Give a delivery (usually a dead letter) a fresh set of attempts."""
    with transaction.atomic():
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.delivered_at = None
        delivery.save(update_fields=["status", "attempts", "delivered_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.ACTION,
            instance=delivery.endpoint,
            summary=f"Redelivered webhook {delivery.event} #{delivery.pk}",
        )
        _schedule([delivery.pk])
    return delivery


def webhook_endpoint_create(*, actor: User, merchant: Merchant, url: str) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret, which is shown to the merchant only now."""
    secret = SECRET_PREFIX + secrets.token_hex(24)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(merchant=merchant, url=url, secret=secret)
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            instance=endpoint,
            after=_without_secret(snapshot(endpoint)),
            summary=f"Registered webhook endpoint {url}",
        )
    return endpoint, secret


def webhook_endpoint_update(
    *, actor: User, endpoint: WebhookEndpoint, url: str | None = None, active: bool | None = None
) -> WebhookEndpoint:
    before = _without_secret(snapshot(endpoint))
    if url is not None:
        endpoint.url = url
    if active is not None:
        endpoint.active = active
    with transaction.atomic():
        endpoint.save(update_fields=["url", "active", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            instance=endpoint,
            before=before,
            after=_without_secret(snapshot(endpoint)),
            summary=f"Updated webhook endpoint {endpoint.url}",
        )
    return endpoint


def webhook_endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditLog.Action.DELETE,
            instance=endpoint,
            before=_without_secret(snapshot(endpoint)),
            summary=f"Removed webhook endpoint {endpoint.url}",
        )
        endpoint.delete()


def _without_secret(values: dict) -> dict:
    """Audit rows are read by admins; the signing secret must not end up in them."""
    return {key: value for key, value in values.items() if key != "secret"}
