"""Who may read and change which shopper's alerts over the API."""
from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.alerts.models import AlertPreference, AlertPreferenceLog
from apps.alerts.services import preference_set

RECS = reverse("alert-recommendation-list")
PREFS = reverse("alert-preference-list")


def test_documented_address_has_no_trailing_slash():
    assert RECS == "/api/v1/alerts/recommendations"


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["customer_id"] for row in response.json()["results"]]


def test_shopper_reads_own_recommendations_and_no_one_elses(api_client_for, shopper_a, shopper_b):
    client = api_client_for(shopper_a[0])
    assert _ids(client.get(RECS)) == ["C-ANN"]
    assert _ids(client.get(RECS, {"customer_id": "C-ANN"})) == ["C-ANN"]
    other = client.get(RECS, {"customer_id": "C-BOB"})
    assert other.status_code == 404 and "C-BOB" not in other.content.decode()
    assert client.get(RECS, {"customer_id": "C-NOBODY"}).status_code == 404


def test_shopper_with_session_login(shopper_a):
    client = APIClient()
    client.force_login(shopper_a[0])
    assert _ids(client.get(RECS)) == ["C-ANN"]


def test_merchant_staff_reach_their_customers_only(api_a, shopper_a, shopper_b):
    assert _ids(api_a.get(RECS, {"customer_id": "C-ANN"})) == ["C-ANN"]
    assert api_a.get(RECS, {"customer_id": "C-BOB"}).status_code == 404
    assert "C-BOB" not in _ids(api_a.get(RECS))


def test_platform_admin_reaches_any_customer(api_client_for, platform_admin, shopper_a, shopper_b):
    assert _ids(api_client_for(platform_admin).get(RECS, {"customer_id": "C-BOB"})) == ["C-BOB"]


def test_unlinked_customer_login_and_anonymous_are_refused(api_client_for, customer_user, shopper_a):
    assert api_client_for(customer_user).get(RECS).status_code == 403
    assert api_client_for(customer_user).post(PREFS, {"alert_type": "new_merchant", "enabled": True}).status_code == 403
    assert api_client_for(None).get(RECS, {"customer_id": "C-ANN"}).status_code == 401


def test_bad_customer_id_names_the_field(api_a):
    response = api_a.get(RECS, {"customer_id": "not an id!"})
    assert response.status_code == 400
    assert "customer_id" in response.json()["errors"]


def test_recommendation_rows_without_a_model_come_from_rules(api_client_for, shopper_a, merchant_a):
    from tests.alerts.conftest import pay

    _, customer = shopper_a
    for i in range(4):  # a recurring charge: the subscription rule applies
        pay(customer, merchant_a, 9.99, days_ago=1 + 30 * i)
    [row] = api_client_for(shopper_a[0]).get(RECS).json()["results"]
    assert row["source"] == "rules" and row["model_version"] is None
    subscription = next(r for r in row["recommendations"] if r["alert_type"] == "subscription_monitoring")
    assert subscription["basis"] == "rules" and subscription["confidence"] is None
    assert "1 regular charge" in subscription["explanation"]


def test_decided_types_are_not_recommended_again(api_client_for, shopper_a, merchant_a):
    from tests.alerts.conftest import pay

    user, customer = shopper_a
    for i in range(4):
        pay(customer, merchant_a, 9.99, days_ago=1 + 30 * i)
    preference_set(customer=customer, alert_type="subscription_monitoring", enabled=False, actor=user, source="page")
    [row] = api_client_for(user).get(RECS).json()["results"]
    assert "subscription_monitoring" not in {r["alert_type"] for r in row["recommendations"]}


def test_shopper_turns_alerts_on_and_off(api_client_for, shopper_a):
    user, customer = shopper_a
    client = api_client_for(user)
    first = client.post(PREFS, {"alert_type": "new_merchant", "enabled": True}, format="json")
    assert first.status_code == 201
    assert first.json() | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0, "customer_id": "C-ANN", "alert_type": "new_merchant", "label": "New shop", "enabled": True,
        "monthly_limit": None, "created_at": "", "updated_at": "",
    }
    again = client.post(PREFS, {"alert_type": "new_merchant", "enabled": False, "source": "recommendation"}, format="json")
    assert again.status_code == 200 and again.json()["enabled"] is False
    assert list(AlertPreferenceLog.objects.values_list("action", "source", "actor")) == [
        ("disabled", "recommendation", user.pk),
        ("enabled", "api", user.pk),
    ]


def test_near_limit_without_a_limit_is_a_field_error(api_client_for, shopper_a):
    client = api_client_for(shopper_a[0])
    refused = client.post(PREFS, {"alert_type": "near_credit_limit", "enabled": True}, format="json")
    assert refused.status_code == 400 and "monthly_limit" in refused.json()["errors"]
    ok = client.post(PREFS, {"alert_type": "near_credit_limit", "enabled": True, "monthly_limit": "350.00"}, format="json")
    assert ok.status_code == 201 and ok.json()["monthly_limit"] == "350.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"alert_type": "lottery", "enabled": True}, "alert_type"),
        ({"alert_type": "new_merchant"}, "enabled"),
        ({"alert_type": "new_merchant", "enabled": True, "source": "page"}, "source"),
        ({"alert_type": "near_credit_limit", "enabled": True, "monthly_limit": "1e12"}, "monthly_limit"),
    ],
)
def test_bad_preference_input(api_client_for, shopper_a, body, field):
    response = api_client_for(shopper_a[0]).post(PREFS, body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not AlertPreference.objects.exists()


def test_staff_read_but_never_change_shoppers_alerts(api_a, api_client_for, platform_admin, shopper_a, shopper_b):
    preference_set(customer=shopper_a[1], alert_type="new_merchant", enabled=True, actor=shopper_a[0], source="api")
    preference_set(customer=shopper_b[1], alert_type="new_merchant", enabled=True, actor=shopper_b[0], source="api")
    rows = api_a.get(PREFS).json()["results"]
    assert [row["customer_id"] for row in rows] == ["C-ANN"]
    assert api_a.get(PREFS, {"customer_id": "C-BOB"}).status_code == 404
    for client in (api_a, api_client_for(platform_admin)):
        assert client.post(PREFS, {"alert_type": "large_transaction", "enabled": True}, format="json").status_code == 403
    assert AlertPreference.objects.count() == 2


def test_shopper_lists_own_preferences_only(api_client_for, shopper_a, shopper_b):
    preference_set(customer=shopper_b[1], alert_type="new_merchant", enabled=True, actor=shopper_b[0], source="api")
    client = api_client_for(shopper_a[0])
    assert client.get(PREFS).json()["results"] == []
    assert client.get(PREFS, {"customer_id": "C-BOB"}).status_code == 404
