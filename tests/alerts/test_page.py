"""The shopper's alerts page: only a signed-in shopper, only their own alerts."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.alerts.models import AlertPreference, AlertPreferenceLog
from apps.alerts.services import preference_set
from tests.alerts.conftest import pay

PAGE = reverse("alerts:page")


def test_anonymous_visitor_is_sent_to_login(login):
    response = login(None).get(PAGE)
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={PAGE}"


@pytest.mark.parametrize("who", ["staff_a", "platform_admin", "analyst", "agent", "customer_user"])
def test_staff_and_unlinked_logins_are_refused(request, login, who):
    assert login(request.getfixturevalue(who)).get(PAGE).status_code == 403
    assert login(request.getfixturevalue(who)).post(PAGE, {"alert_type": "new_merchant", "enabled": "1"}).status_code == 403
    assert not AlertPreference.objects.exists()


def test_shopper_sees_own_alerts_and_changes_only(login, shopper_a, shopper_b):
    preference_set(customer=shopper_a[1], alert_type="large_transaction", enabled=True, actor=shopper_a[0], source="api")
    preference_set(customer=shopper_b[1], alert_type="unusual_location", enabled=True, actor=shopper_b[0], source="api")
    response = login(shopper_a[0]).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your alerts" in html and "ann@shopper.test" in html
    assert "bob@shopper.test" not in html and "C-BOB" not in html
    # Ann's large-payment alert is on; Bob's location alert is not Ann's
    rows = {row.split('"', 1)[0]: row for row in html.split('data-alert-type="')[1:]}
    assert "badge--yes" in rows["large_transaction"]
    assert "badge--yes" not in rows["unusual_location"]
    # recent changes: Ann's one action, through the API
    assert html.count("<td>Enabled</td>") == 1 and "<td class=\"muted\">API</td>" in html


def test_turning_an_alert_on_from_the_page_is_logged_as_page(login, shopper_a):
    user, customer = shopper_a
    client = login(user)
    response = client.post(PAGE, {"alert_type": "new_merchant", "enabled": "1"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert AlertPreference.objects.get(customer=customer, alert_type="new_merchant").enabled
    log = AlertPreferenceLog.objects.get(customer=customer)
    assert (log.action, log.source, log.actor_id) == ("enabled", "page", user.pk)
    followed = client.get(PAGE).content.decode()
    assert "&#x27;New shop&#x27; alerts are on." in followed
    assert "<td class=\"muted\">Alerts page</td>" in followed


def test_accepting_a_recommendation_is_logged_as_such(login, shopper_a, merchant_a):
    user, customer = shopper_a
    for i in range(4):
        pay(customer, merchant_a, 9.99, days_ago=1 + 30 * i)
    page = login(user).get(PAGE).content.decode()
    assert 'data-recommendation="subscription_monitoring"' in page
    login(user).post(PAGE, {"alert_type": "subscription_monitoring", "enabled": "1", "source": "recommendation"})
    assert AlertPreferenceLog.objects.get(customer=customer).source == "recommendation"
    assert 'data-recommendation="subscription_monitoring"' not in login(user).get(PAGE).content.decode()


def test_near_limit_needs_a_limit_on_the_page_too(login, shopper_a):
    user, customer = shopper_a
    refused = login(user).post(PAGE, {"alert_type": "near_credit_limit", "enabled": "1"})
    assert refused.status_code == 400 and "monthly spending limit" in refused.content.decode()
    assert not AlertPreference.objects.filter(enabled=True).exists()
    login(user).post(PAGE, {"alert_type": "near_credit_limit", "enabled": "1", "monthly_limit": "250"})
    assert AlertPreference.objects.get(customer=customer).monthly_limit == Decimal("250")


def test_bad_form_input_is_refused(login, shopper_a):
    response = login(shopper_a[0]).post(PAGE, {"alert_type": "lottery", "enabled": "1"})
    assert response.status_code == 400
    assert not AlertPreference.objects.exists()


def test_menu_shows_the_page_to_shoppers_only(login, shopper_a, staff_a):
    assert f'href="{PAGE}"' in login(shopper_a[0]).get(PAGE).content.decode()
    assert f'href="{PAGE}"' not in login(staff_a).get(reverse("dashboard:home")).content.decode()
