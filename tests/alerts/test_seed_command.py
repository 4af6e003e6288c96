from django.core.management import call_command

from apps.alerts.models import AlertPreference, AlertPreferenceLog
from tests.alerts.conftest import make_shopper, pay


def test_seed_follows_behaviour_includes_the_demo_shopper_and_runs_once(merchant_a, merchant_b):
    user, shopper = make_shopper("shopper", "C-DEMO", merchant_a, amounts=())
    for i in range(4):  # the demo shopper pays a subscription
        pay(shopper, merchant_a, 9.99, days_ago=1 + 30 * i)
    for n in range(30):
        _, customer = make_shopper(f"s{n}", f"C-S{n}", merchant_b, amounts=(10 + n, 20 + n))
    call_command("seed_alerts", "--seed", "1")
    created = AlertPreference.objects.count()
    assert created > 0
    assert AlertPreferenceLog.objects.filter(source="demo", action="enabled").count() == created
    # the shopper opened their settings and turned on an alert their recurring charge calls for
    assert AlertPreference.objects.filter(customer=shopper, enabled=True).exists()
    limits = AlertPreference.objects.filter(alert_type="near_credit_limit")
    assert all(pref.monthly_limit for pref in limits)
    call_command("seed_alerts", "--if-empty")
    assert AlertPreference.objects.count() == created
