import pytest
from django.urls import reverse

from apps.core.models import AuditLog
from apps.fraud.cases import case_open
from apps.fraud.models import RiskSettings, Rule
from tests.fraud.case_factories import make_assessment

pytestmark = pytest.mark.django_db


def _url(merchant):
    return reverse("fraud-risk-settings-detail", kwargs={"slug": merchant.slug})


def test_defaults_until_changed_then_stored(merchant_a, analyst, api_client_for):
    rule = Rule.objects.create(name="NIGHT_OWL", condition="hour_of_day < 5")
    api = api_client_for(analyst)
    assert api.get(_url(merchant_a)).json()["review_threshold"] is None
    response = api.put(
        _url(merchant_a),
        {"review_threshold": 0.4, "decline_threshold": 0.85, "disabled_rules": ["NIGHT_OWL"], "review_sla_minutes": 30},
        format="json",
    )
    assert response.status_code == 200, response.content
    stored = RiskSettings.objects.get(merchant=merchant_a)
    assert (stored.review_threshold, stored.decline_threshold, stored.review_sla_minutes) == (0.4, 0.85, 30)
    assert list(stored.disabled_rules.all()) == [rule]
    assert response.json()["disabled_rules"] == ["NIGHT_OWL"]
    patched = api.patch(_url(merchant_a), {"review_sla_minutes": 60}, format="json").json()
    assert (patched["review_threshold"], patched["review_sla_minutes"], patched["disabled_rules"]) == (0.4, 60, ["NIGHT_OWL"])
    assert AuditLog.objects.filter(object_type="fraud.RiskSettings").count() == 2
    # new cases of this merchant get its SLA
    case = case_open(assessment=make_assessment(merchant_a))
    assert 59 * 60 < (case.sla_due_at - case.created_at).total_seconds() <= 60 * 60 + 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"review_threshold": 1.5}, "review_threshold"),
        ({"decline_threshold": -0.1}, "decline_threshold"),
        ({"review_threshold": "high"}, "review_threshold"),
        ({"review_threshold": 0.9, "decline_threshold": 0.5}, "decline_threshold"),
        ({"review_sla_minutes": 0}, "review_sla_minutes"),
        ({"disabled_rules": ["NO_SUCH_RULE"]}, "disabled_rules"),
    ],
)
def test_invalid_settings_are_a_400_naming_the_field(merchant_a, analyst, api_client_for, body, field):
    response = api_client_for(analyst).patch(_url(merchant_a), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not RiskSettings.objects.filter(merchant=merchant_a).exists()


def test_merchant_staff_read_their_settings_but_do_not_change_them(merchant_a, merchant_b, api_a):
    assert api_a.get(_url(merchant_a)).status_code == 200
    assert api_a.get(_url(merchant_b)).status_code == 404
    assert api_a.patch(_url(merchant_a), {"review_sla_minutes": 5}, format="json").status_code == 403
    assert api_a.patch(_url(merchant_b), {"review_sla_minutes": 5}, format="json").status_code == 404
    assert not RiskSettings.objects.exists()
    assert [row["merchant"] for row in api_a.get(reverse("fraud-risk-settings-list")).json()["results"]] == [merchant_a.slug]
