"""Allow and block lists: a block hit declines with a hard flag, an allow hit approves, fraud team only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.fraud.models import ListEntry
from tests.fraud.scoring_support import clean_velocity, payment_body  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_velocity")

LISTS = "/api/v1/fraud/lists/"
SCORE = "/api/v1/fraud/score"


def _add(client, list_type: str, kind: str, value: str, **extra):
    return client.post(LISTS, {"list_type": list_type, "kind": kind, "value": value} | extra, format="json")


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("device", "D1", {}),
        ("card", "K1", {}),
        ("ip", "81.2.69.142", {}),
        ("email", "Bad@Example.com", {"email": "bad@example.COM"}),
        ("customer", "C1", {}),
    ],
)
def test_a_block_list_hit_declines_with_a_hard_flag(api_client_for, analyst, api_a, merchant_a, kind, value, field):
    assert _add(api_client_for(analyst), "block", kind, value, reason="confirmed fraud").status_code == 201
    answer = api_a.post(SCORE, payment_body("T1", **field), format="json").json()
    assert answer["decision"] == "decline" and f"BLOCKLIST_{kind.upper()}" in answer["flags"]
    assert answer["reasons"][0]["source"] == "list" and "confirmed fraud" in answer["reasons"][0]["text"]


def test_a_blocked_device_also_fires_the_shipped_device_rule(api_client_for, analyst, api_a, merchant_a):
    _add(api_client_for(analyst), "block", "device", "D1")
    assert "BLACKLISTED_DEVICE" in api_a.post(SCORE, payment_body("T1"), format="json").json()["flags"]


def test_an_allow_list_hit_approves_unless_blocked(api_client_for, analyst, api_a, merchant_a):
    client = api_client_for(analyst)
    _add(client, "allow", "card", "K1")
    answer = api_a.post(SCORE, payment_body("T1", amount="900.00"), format="json").json()
    assert answer["decision"] == "approve" and "ALLOWLIST_CARD" in answer["flags"]
    assert "RISKY_FIRST_TXN" in answer["flags"]  # the rule still fired and is shown
    _add(client, "block", "device", "D1")
    assert api_a.post(SCORE, payment_body("T2"), format="json").json()["decision"] == "decline"


def test_expired_entries_no_longer_apply(api_client_for, analyst, api_a, merchant_a):
    _add(api_client_for(analyst), "block", "card", "K1", expires_at=(timezone.now() - timedelta(hours=1)).isoformat())
    assert api_a.post(SCORE, payment_body("T1"), format="json").json()["decision"] == "approve"


def test_adding_again_is_idempotent_and_values_are_normalised(api_client_for, analyst):
    client = api_client_for(analyst)
    assert _add(client, "block", "email", "Bad@Example.com").status_code == 201
    response = _add(client, "block", "email", "bad@example.com", reason="second report")
    assert response.status_code == 200 and response.json()["reason"] == "second report"
    assert ListEntry.objects.get().value == "bad@example.com"
    assert _add(client, "block", "ip", "not-an-ip").status_code == 400
    assert _add(client, "block", "planet", "Mars").status_code == 400


def test_lists_are_for_the_fraud_team_only(api_client_for, analyst, api_a, agent, customer_user):
    entry_id = _add(api_client_for(analyst), "block", "card", "K1").json()["id"]
    for user_client in (api_a, api_client_for(agent), api_client_for(customer_user)):
        assert user_client.get(LISTS).status_code == 403
        assert _add(user_client, "block", "card", "K2").status_code == 403
        assert user_client.delete(f"{LISTS}{entry_id}/").status_code == 403
    assert api_client_for(None).get(LISTS).status_code == 401
    assert api_client_for(analyst).delete(f"{LISTS}{entry_id}/").status_code == 204
    assert not ListEntry.objects.exists()


def test_list_query_count_does_not_grow(api_client_for, analyst, django_assert_max_num_queries):
    client = api_client_for(analyst)
    _add(client, "block", "card", "K0")
    with django_assert_max_num_queries(3):
        client.get(LISTS)
    for i in range(1, 8):
        _add(client, "block", "card", f"K{i}")
    with django_assert_max_num_queries(3):
        assert len(client.get(LISTS).json()["results"]) == 8
