import hashlib
import hmac
import json
import time

import pytest
from django.db import transaction

from apps.core.models import AuditLog
from apps.fraud.models import WebhookDelivery, WebhookEndpoint
from apps.fraud.tasks import webhook_retry_delay
from apps.fraud.webhook_transport import WebhookPermanentError, public_destination_check, webhook_signature
from apps.fraud.webhooks import webhook_endpoint_create, webhook_redeliver, webhooks_enqueue
from tests.fraud.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db


def _verify(header: str, body: bytes, secret: str) -> bool:
    """What a merchant's receiver does, written independently of the signing code."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


def _endpoint(merchant, url, staff):
    endpoint, secret = webhook_endpoint_create(actor=staff, merchant=merchant, url=url)
    return endpoint, secret


def _enqueue(django_capture_on_commit_callbacks, merchant, payload=None):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            webhooks_enqueue(merchant_id=merchant.pk, event="decision", payload=payload or {"transaction_id": "TX1"})


def test_delivery_is_signed_and_verifiable(merchant_a, staff_a, django_capture_on_commit_callbacks):
    with WebhookReceiver() as receiver:
        endpoint, secret = _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a, {"transaction_id": "TX1", "decision": "review"})
    assert secret.startswith("whsec_") and endpoint.secret == secret
    [request] = receiver.received
    assert _verify(request.headers["X-ShopSignal-Signature"], request.body, secret)
    assert not _verify(request.headers["X-ShopSignal-Signature"], request.body, "whsec_wrong")
    assert not _verify(request.headers["X-ShopSignal-Signature"], request.body.replace(b"review", b"approve"), secret)
    envelope = json.loads(request.body)
    assert envelope["event"] == "decision" and envelope["data"] == {"transaction_id": "TX1", "decision": "review"}
    assert request.headers["X-ShopSignal-Event"] == "decision"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert envelope["id"] == request.headers["X-ShopSignal-Delivery"] == f"whd_{delivery.pk}"


def test_signature_matches_stripe_scheme():
    body = b'{"a":1}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhook_signature(secret="s3cret", body=body, timestamp=1700000000) == f"t=1700000000,v1={expected}"


def test_server_errors_are_retried_until_success(merchant_a, staff_a, django_capture_on_commit_callbacks):
    with WebhookReceiver(statuses=[500, 503, 200]) as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
    assert len(receiver.received) == 3
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == ("delivered", 3, 200, "")
    # every retry carries the same body, so receivers can de-duplicate on the delivery id
    assert len({request.body for request in receiver.received}) == 1


def test_delivery_becomes_dead_letter_after_max_attempts(merchant_a, staff_a, settings, django_capture_on_commit_callbacks):
    settings.FRAUD_WEBHOOK_MAX_ATTEMPTS = 4
    with WebhookReceiver(statuses=[502]) as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
    assert len(receiver.received) == 4
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == ("dead", 4, 502, "HTTP 502")


def test_timeouts_are_retried(merchant_a, staff_a, settings, django_capture_on_commit_callbacks):
    settings.FRAUD_WEBHOOK_TIMEOUT_SECONDS = 0.2
    settings.FRAUD_WEBHOOK_MAX_ATTEMPTS = 2
    with WebhookReceiver(delay=0.5) as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.received) == 2
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("dead", 2, None)
    assert "Timeout" in delivery.last_error


def test_connection_refused_is_retried_then_dead(merchant_a, staff_a, settings, django_capture_on_commit_callbacks):
    settings.FRAUD_WEBHOOK_MAX_ATTEMPTS = 3
    with WebhookReceiver() as receiver:
        url = receiver.url
    _endpoint(merchant_a, url, staff_a)  # the server is gone: nothing listens on that port any more
    _enqueue(django_capture_on_commit_callbacks, merchant_a)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("dead", 3)
    assert "ConnectionError" in delivery.last_error


def test_client_errors_are_not_retried(merchant_a, staff_a, django_capture_on_commit_callbacks):
    with WebhookReceiver(statuses=[410, 200]) as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
    assert len(receiver.received) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("dead", 1, 410)


def test_private_destinations_are_refused_without_sending(merchant_a, staff_a, settings, django_capture_on_commit_callbacks):
    """SSRF guard: a merchant-registered URL on loopback never receives the signed request."""
    settings.FRAUD_WEBHOOK_ALLOW_PRIVATE = False
    with WebhookReceiver(statuses=[200]) as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("dead", 1)
    assert "non-public address" in delivery.last_error


@pytest.mark.parametrize("url", ["http://10.0.0.5/hook", "http://169.254.169.254/latest", "http://[::1]:8000/x"])
def test_public_destination_check_refuses_private_ranges(url):
    with pytest.raises(WebhookPermanentError, match="non-public"):
        public_destination_check(url)


def test_public_destination_check_accepts_a_public_address():
    public_destination_check("https://8.8.8.8/hook")


def test_redeliver_gives_a_dead_letter_fresh_attempts(merchant_a, staff_a, settings, django_capture_on_commit_callbacks):
    settings.FRAUD_WEBHOOK_MAX_ATTEMPTS = 2
    with WebhookReceiver(statuses=[500, 500, 200]) as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "dead"
        with django_capture_on_commit_callbacks(execute=True):
            webhook_redeliver(actor=staff_a, delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.received)) == ("delivered", 1, 3)
    assert AuditLog.objects.filter(summary__startswith="Redelivered webhook").count() == 1


def test_nothing_is_sent_before_commit_or_after_rollback(merchant_a, staff_a, django_capture_on_commit_callbacks):
    with WebhookReceiver() as receiver:
        _endpoint(merchant_a, receiver.url, staff_a)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with transaction.atomic():
                webhooks_enqueue(merchant_id=merchant_a.pk, event="decision", payload={"transaction_id": "TX1"})
                assert receiver.received == []
        assert len(callbacks) == 1 and receiver.received == []
        assert WebhookDelivery.objects.get().status == "pending"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                webhooks_enqueue(merchant_id=merchant_a.pk, event="decision", payload={"transaction_id": "TX2"})
                raise RuntimeError("scoring failed after enqueueing")
        assert callbacks == [] and receiver.received == []
    assert WebhookDelivery.objects.count() == 1


def test_only_the_merchants_active_endpoints_receive(
    merchant_a, merchant_b, staff_a, staff_b, django_capture_on_commit_callbacks
):
    with WebhookReceiver() as receiver_a, WebhookReceiver() as receiver_b:
        _endpoint(merchant_a, receiver_a.url, staff_a)
        paused, _ = _endpoint(merchant_a, receiver_a.url + "/paused", staff_a)
        WebhookEndpoint.objects.filter(pk=paused.pk).update(active=False)
        _endpoint(merchant_b, receiver_b.url, staff_b)
        _enqueue(django_capture_on_commit_callbacks, merchant_a)
    assert len(receiver_a.received) == 1 and receiver_b.received == []
    assert WebhookDelivery.objects.get().endpoint.merchant == merchant_a


def test_audit_records_never_hold_the_secret(merchant_a, staff_a):
    _, secret = webhook_endpoint_create(actor=staff_a, merchant=merchant_a, url="https://example.com/hooks")
    log = AuditLog.objects.get(object_type="fraud.WebhookEndpoint")
    assert secret not in json.dumps(log.after) and "secret" not in log.after


def test_retry_delay_backs_off_exponentially_with_jitter():
    caps = {attempts: max(webhook_retry_delay(attempts_made=attempts) for _ in range(300)) for attempts in (1, 2, 3, 8)}
    assert 20 <= caps[1] <= 30 and 40 <= caps[2] <= 60 and 80 <= caps[3] <= 120 and caps[8] <= 3600
    assert len({webhook_retry_delay(attempts_made=3) for _ in range(50)}) > 1  # jittered, not lockstep
