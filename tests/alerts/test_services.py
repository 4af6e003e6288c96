from decimal import Decimal

import pytest

from apps.alerts.models import AlertPreference, AlertPreferenceLog
from apps.alerts.services import PreferenceError, preference_set


def _log(customer):
    return list(AlertPreferenceLog.objects.filter(customer=customer).order_by("id").values_list("alert_type", "action", "source"))


def test_every_change_is_logged_with_actor_and_source(shopper_a):
    user, customer = shopper_a
    preference_set(customer=customer, alert_type="new_merchant", enabled=True, actor=user, source="page")
    preference_set(customer=customer, alert_type="new_merchant", enabled=False, actor=user, source="api")
    preference_set(customer=customer, alert_type="large_transaction", enabled=True, actor=user, source="recommendation")
    assert _log(customer) == [
        ("new_merchant", "enabled", "page"),
        ("new_merchant", "disabled", "api"),
        ("large_transaction", "enabled", "recommendation"),
    ]
    assert AlertPreferenceLog.objects.filter(customer=customer, actor=user).count() == 3
    assert dict(AlertPreference.objects.filter(customer=customer).values_list("alert_type", "enabled")) == {
        "new_merchant": False,
        "large_transaction": True,
    }


def test_repeating_a_setting_is_not_a_new_action_but_a_first_off_is(shopper_a):
    user, customer = shopper_a
    preference_set(customer=customer, alert_type="new_merchant", enabled=True, actor=user, source="api")
    preference_set(customer=customer, alert_type="new_merchant", enabled=True, actor=user, source="api")
    preference_set(customer=customer, alert_type="unusual_location", enabled=False, actor=user, source="page")
    assert _log(customer) == [("new_merchant", "enabled", "api"), ("unusual_location", "disabled", "page")]


def test_near_limit_alerts_need_the_shoppers_own_limit(shopper_a):
    user, customer = shopper_a
    with pytest.raises(PreferenceError) as error:
        preference_set(customer=customer, alert_type="near_credit_limit", enabled=True, actor=user, source="api")
    assert error.value.field == "monthly_limit"
    assert not AlertPreference.objects.filter(customer=customer, enabled=True).exists()
    assert _log(customer) == []
    preference_set(
        customer=customer, alert_type="near_credit_limit", enabled=True, actor=user, source="api", monthly_limit=Decimal("400")
    )
    preference_set(
        customer=customer, alert_type="near_credit_limit", enabled=True, actor=user, source="api", monthly_limit=Decimal("500")
    )
    # switching off keeps the limit for the next time
    pref = preference_set(customer=customer, alert_type="near_credit_limit", enabled=False, actor=user, source="api")
    assert pref.monthly_limit == Decimal("500")
    assert [action for _, action, _ in _log(customer)] == ["enabled", "limit_changed", "disabled"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"alert_type": "lottery_win", "enabled": True}, "alert_type"),
        ({"alert_type": "new_merchant", "enabled": True, "source": "telepathy"}, "source"),
        ({"alert_type": "near_credit_limit", "enabled": True, "monthly_limit": Decimal("0.50")}, "monthly_limit"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(shopper_a, kwargs, field):
    user, customer = shopper_a
    with pytest.raises(PreferenceError) as error:
        preference_set(customer=customer, actor=user, **{"source": "api", **kwargs})
    assert error.value.field == field
    assert not AlertPreference.objects.exists() and not AlertPreferenceLog.objects.exists()
