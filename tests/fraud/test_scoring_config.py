"""The per-process scoring configuration: cached between calls, reloaded as soon as a row changes."""
from __future__ import annotations

import pytest
from django.test import override_settings

from apps.fraud.lists_service import list_entry_create
from apps.fraud.models import ListEntry, Rule
from apps.fraud.rules_service import rule_update
from apps.fraud.scoring_config import scoring_config, scoring_config_changed
from tests.fraud.scoring_support import T0, clean_velocity, minutes, payment_body  # noqa: F401

pytestmark = [pytest.mark.usefixtures("clean_velocity"), pytest.mark.django_db]
SCORE = "/api/v1/fraud/score"


@pytest.fixture
def cached_config():
    """Caching on, as in deployments, starting from a fresh load."""
    with override_settings(FRAUD_CONFIG_MAX_AGE_SECONDS=3600):
        scoring_config_changed()
        yield


def test_the_configuration_is_reused_until_something_changes(cached_config, merchant_a):
    first = scoring_config()
    assert scoring_config() is first
    Rule.objects.filter(name="UNUSUAL_TIME").get().save()
    assert scoring_config() is not first


def test_a_new_block_entry_applies_to_the_next_payment_in_the_same_process(cached_config, api_a, merchant_a, analyst):
    assert api_a.post(SCORE, payment_body("T1"), format="json").json()["decision"] == "approve"
    list_entry_create(actor=analyst, list_type=ListEntry.ListType.BLOCK, kind=ListEntry.Kind.CARD, value="K1")
    answer = api_a.post(SCORE, payment_body("T2", at=T0 + minutes(1)), format="json").json()
    assert answer["decision"] == "decline" and "BLOCKLIST_CARD" in answer["flags"]


def test_a_disabled_rule_stops_firing_on_the_next_payment(cached_config, api_a, merchant_a, analyst):
    body = payment_body("T1", amount="900.00")
    assert "RISKY_FIRST_TXN" in api_a.post(SCORE, body, format="json").json()["flags"]
    rule_update(actor=analyst, rule=Rule.objects.get(name="RISKY_FIRST_TXN"), enabled=False)
    other = payment_body("T2", customer_id="C2", card_id="K2", device_id="D2", amount="900.00")
    assert "RISKY_FIRST_TXN" not in api_a.post(SCORE, other, format="json").json()["flags"]
