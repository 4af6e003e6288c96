import pytest
from django.urls import reverse

from apps.fraud.models import WebhookDelivery, WebhookEndpoint
from tests.fraud.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db


def test_secret_is_generated_server_side_and_shown_once(merchant_a, api_a):
    response = api_a.post(
        reverse("fraud-webhook-endpoint-list"),
        {"merchant": merchant_a.slug, "url": "https://shop.example/hooks", "secret": "mine"},
        format="json",
    )
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_") and len(secret) > 30 and endpoint.secret == secret
    detail = api_a.get(reverse("fraud-webhook-endpoint-detail", kwargs={"pk": endpoint.pk})).json()
    assert "secret" not in detail and detail["secret_hint"] == secret[:10] + "…"
    listed = api_a.get(reverse("fraud-webhook-endpoint-list")).json()["results"]
    assert all("secret" not in row for row in listed)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"merchant": "mugs-more", "url": "ftp://shop.example/hooks"}, "url"),
        ({"merchant": "mugs-more", "url": "not a url"}, "url"),
        ({"merchant": "print-palace", "url": "https://shop.example/hooks"}, "merchant"),
        ({"url": "https://shop.example/hooks"}, "merchant"),
    ],
)
def test_bad_endpoint_input_is_a_400(merchant_a, merchant_b, api_a, body, field):
    response = api_a.post(reverse("fraud-webhook-endpoint-list"), body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_update_and_delete_endpoint(merchant_a, merchant_b, api_a, api_b):
    endpoint_id = api_a.post(
        reverse("fraud-webhook-endpoint-list"), {"merchant": merchant_a.slug, "url": "https://a.example/h"}, format="json"
    ).json()["id"]
    url = reverse("fraud-webhook-endpoint-detail", kwargs={"pk": endpoint_id})
    assert api_b.patch(url, {"active": False}, format="json").status_code == 404
    assert api_b.delete(url).status_code == 404
    assert api_a.patch(url, {"active": False}, format="json").json()["active"] is False
    assert api_a.delete(url).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_analysts_read_endpoints_but_do_not_manage_them(merchant_a, analyst, api_client_for):
    endpoint = WebhookEndpoint.objects.create(merchant=merchant_a, url="https://a.example/h", secret="whsec_x")
    api = api_client_for(analyst)
    assert api.get(reverse("fraud-webhook-endpoint-detail", kwargs={"pk": endpoint.pk})).status_code == 200
    assert api.delete(reverse("fraud-webhook-endpoint-detail", kwargs={"pk": endpoint.pk})).status_code == 403


def test_deliveries_are_scoped_filtered_and_redeliverable(merchant_a, merchant_b, api_a, django_capture_on_commit_callbacks):
    with WebhookReceiver() as receiver:
        mine = WebhookEndpoint.objects.create(merchant=merchant_a, url=receiver.url, secret="whsec_a")
        theirs = WebhookEndpoint.objects.create(merchant=merchant_b, url=receiver.url, secret="whsec_b")
        dead = WebhookDelivery.objects.create(endpoint=mine, event="decision", payload={"n": 1}, status="dead", attempts=6)
        WebhookDelivery.objects.create(endpoint=mine, event="outcome", payload={"n": 2}, status="delivered")
        foreign = WebhookDelivery.objects.create(endpoint=theirs, event="decision", payload={"n": 3}, status="dead")
        rows = api_a.get(reverse("fraud-webhook-delivery-list"), {"status": "dead"}).json()["results"]
        assert [row["id"] for row in rows] == [dead.pk]
        foreign_url = reverse("fraud-webhook-delivery-redeliver", kwargs={"pk": foreign.pk})
        assert api_a.post(foreign_url).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            response = api_a.post(reverse("fraud-webhook-delivery-redeliver", kwargs={"pk": dead.pk}))
        assert response.status_code == 200
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("delivered", 1)
    assert len(receiver.received) == 1
    foreign.refresh_from_db()
    assert foreign.status == "dead"


def test_pending_delivery_cannot_be_redelivered(merchant_a, api_a):
    endpoint = WebhookEndpoint.objects.create(merchant=merchant_a, url="https://a.example/h", secret="whsec_a")
    pending = WebhookDelivery.objects.create(endpoint=endpoint, event="decision", payload={})
    response = api_a.post(reverse("fraud-webhook-delivery-redeliver", kwargs={"pk": pending.pk}))
    assert response.status_code == 400 and "status" in response.json()["errors"]
