"""A merchant's webhook target times out or answers 500, with a real Celery worker delivering.

Scoring answers at once (delivery is queued after commit, never done in the request); the worker
retries with backoff, then records a dead letter the merchant sees through the API.
"""
from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from apps.fraud import tasks as fraud_tasks
from apps.fraud.models import WebhookDelivery
from apps.fraud.webhooks import webhook_endpoint_create
from config.celery import app
from tests.faults.services import wait_for
from tests.fraud.scoring_support import payment_body
from tests.fraud.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ATTEMPTS = 3
TIMEOUT_SECONDS = 1.0
"""A delivery made inside the request would hold scoring at least this long."""


@pytest.fixture
def real_worker(redis_required, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.FRAUD_WEBHOOK_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    settings.FRAUD_WEBHOOK_MAX_ATTEMPTS = ATTEMPTS
    monkeypatch.setattr(fraud_tasks, "RETRY_BACKOFF_SECONDS", 1)  # 0-1 s, 0-2 s: the same code path, sooner
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


def test_a_dead_webhook_target_never_blocks_scoring_and_ends_as_a_dead_letter(
    real_worker, merchant_a, staff_a, analyst, api_client_for
):
    client = api_client_for(analyst)
    assert client.post("/api/v1/fraud/score", payment_body("WH0"), format="json").status_code == 201  # warm caches
    with WebhookReceiver(delay=3 * TIMEOUT_SECONDS) as slow, WebhookReceiver(statuses=[500]) as failing:
        for receiver in (slow, failing):
            webhook_endpoint_create(actor=staff_a, merchant=merchant_a, url=receiver.url)
        started = time.perf_counter()
        response = client.post("/api/v1/fraud/score", payment_body("WH1", customer_id="C2"), format="json")
        scoring_seconds = time.perf_counter() - started
        assert response.status_code == 201
        assert scoring_seconds < TIMEOUT_SECONDS, f"scoring waited for the webhook targets ({scoring_seconds:.2f}s)"

        def all_dead() -> bool:
            return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DEAD).count() == 2

        wait_for(all_dead, timeout=120, what="both deliveries to become dead letters", interval=0.5)
        assert len(slow.received) == ATTEMPTS and len(failing.received) == ATTEMPTS

    by_url = {d.endpoint.url: d for d in WebhookDelivery.objects.select_related("endpoint")}
    assert by_url[slow.url].attempts == ATTEMPTS and "Timeout" in by_url[slow.url].last_error
    assert (by_url[failing.url].attempts, by_url[failing.url].last_status_code) == (ATTEMPTS, 500)
    listed = api_client_for(staff_a).get("/api/v1/fraud/webhook-deliveries/", {"status": "dead"})
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()["results"]} == {d.pk for d in by_url.values()}
