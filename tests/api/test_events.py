"""POST /api/v1/events/: one event or an all-or-nothing batch, idempotent on event ids."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from apps.customers.models import MerchantCustomer
from apps.events.models import Event
from tests import factories

URL = "/api/v1/events/"


def _event(index: int, product, **overrides) -> dict:
    return {
        "event_id": f"ev-{index}",
        "timestamp": timezone.now().isoformat(),
        "event_type": "view",
        "customer_id": f"cust-{index % 3}",
        "session_id": "s-1",
        "product_id": product.external_id,
        **overrides,
    }


@pytest.fixture
def product_a(merchant_a):
    return factories.ProductFactory(merchant=merchant_a)


def test_single_event_is_stored_and_links_the_customer(api_a, product_a, merchant_a):
    response = api_a.post(URL, _event(1, product_a, value="12.50", properties={"ref": "mail"}), format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"received": 1, "created": 1, "duplicates": 0}
    event = Event.objects.get(external_id="ev-1")
    assert (event.merchant, event.product, event.properties) == (merchant_a, product_a, {"ref": "mail"})
    assert MerchantCustomer.objects.filter(merchant=merchant_a, customer__external_id="cust-1").exists()


def test_batch_is_stored_and_replay_changes_nothing(api_a, product_a):
    batch = [_event(i, product_a) for i in range(20)]
    first = api_a.post(URL, batch, format="json")
    assert first.status_code == 201, first.content
    assert first.json() == {"received": 20, "created": 20, "duplicates": 0}
    replay = api_a.post(URL, batch, format="json")
    assert replay.status_code == 200
    assert replay.json() == {"received": 20, "created": 0, "duplicates": 20}
    assert Event.objects.count() == 20


def test_batch_over_the_limit_is_refused(api_a, product_a):
    limit = settings.SHOPSIGNAL["EVENTS_BATCH_MAX"]
    response = api_a.post(URL, [_event(i, product_a) for i in range(limit + 1)], format="json")
    assert response.status_code == 400
    assert str(limit) in response.json()["errors"]["non_field_errors"][0]
    assert not Event.objects.exists()


def test_one_bad_row_rejects_the_whole_batch(api_a, product_a):
    batch = [_event(i, product_a) for i in range(5)]
    batch[3]["timestamp"] = "yesterday-ish"
    batch[4]["event_type"] = "teleport"
    response = api_a.post(URL, batch, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"3", "4"}
    assert "timestamp" in errors["3"] and "event_type" in errors["4"]
    assert not Event.objects.exists()


def test_another_merchants_product_is_unknown_and_nothing_is_written(api_a, product_a, merchant_b):
    foreign = factories.ProductFactory(merchant=merchant_b)
    response = api_a.post(URL, [_event(0, product_a), _event(1, foreign)], format="json")
    assert response.status_code == 400
    assert "Unknown product" in response.json()["errors"]["1"]["product_id"][0]
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"timestamp": "1970-01-01T00:00:00Z"}, "timestamp"),
        ({"timestamp": "2999-01-01T00:00:00Z"}, "timestamp"),
        ({"value": "NaN"}, "value"),
        ({"value": "Infinity"}, "value"),
        ({"value": "-1"}, "value"),
        ({"properties": ["not", "an", "object"]}, "properties"),
        ({"event_id": "x" * 65}, "event_id"),
        ({"event_id": "bad id with spaces"}, "event_id"),
    ],
)
def test_single_event_field_errors(api_a, product_a, overrides, field):
    response = api_a.post(URL, _event(1, product_a, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Event.objects.exists()


def test_events_are_listed_newest_first(api_a, product_a):
    api_a.post(URL, [_event(1, product_a, timestamp="2024-01-01T00:00:00Z"), _event(2, product_a)], format="json")
    rows = api_a.get(URL).json()["results"]
    assert [row["event_id"] for row in rows] == ["ev-2", "ev-1"]


def test_new_events_are_announced_after_commit_and_replays_are_not(api_a, product_a, django_capture_on_commit_callbacks):
    from apps.events.signals import events_created

    received: list[list[str]] = []

    def listener(sender, events, **kwargs):
        received.append([e.external_id for e in events])

    events_created.connect(listener)
    try:
        body = _event(1, product_a, event_type="click", recommendation_id="rec-9")
        with django_capture_on_commit_callbacks(execute=True):
            api_a.post(URL, body, format="json")
        with django_capture_on_commit_callbacks(execute=True):
            api_a.post(URL, body, format="json")
    finally:
        events_created.disconnect(listener)
    assert received == [["ev-1"]]
    assert Event.objects.get(external_id="ev-1").recommendation_id == "rec-9"
