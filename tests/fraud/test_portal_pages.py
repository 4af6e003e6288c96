from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.fraud.models import ListEntry, ReviewCase, RiskSettings, Rule, WebhookDelivery, WebhookEndpoint
from tests.fraud.case_factories import make_case

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _case_url(case) -> str:
    return reverse("fraud:case", kwargs={"pk": case.pk})


def test_queue_lists_undecided_cases_by_score_with_sla(merchant_a, analyst):
    low, high = make_case(merchant_a, score=0.55), make_case(merchant_a, score=0.95)
    decided = make_case(merchant_a, score=0.99)
    ReviewCase.objects.filter(pk=decided.pk).update(status="decided")
    ReviewCase.objects.filter(pk=low.pk).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    html = _client(analyst).get(reverse("fraud:queue")).content.decode()
    assert html.index(f'data-case="{high.pk}"') < html.index(f'data-case="{low.pk}"')
    assert f'data-case="{decided.pk}"' not in html
    assert "overdue" in html and "left" in html


def test_claim_then_decide_from_the_case_page(merchant_a, analyst):
    case = make_case(merchant_a)
    client = _client(analyst)
    response = client.post(_case_url(case), {"action": "claim"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.assignee) == ("claimed", analyst)
    client.post(_case_url(case), {"action": "note", "text": "Called the bank"})
    client.post(_case_url(case), {"action": "decide", "outcome": "declined_fraud", "label": "fraud", "note": "stolen card"})
    case.refresh_from_db()
    assert (case.status, case.outcome, case.is_fraud) == ("decided", "declined_fraud", True)
    html = client.get(_case_url(case)).content.decode()
    assert "Declined as fraud" in html and "Called the bank" in html and "stolen card" in html
    assert [e.action for e in case.events.order_by("pk")] == ["opened", "claimed", "noted", "decided"]


def test_refusals_are_shown_not_raised(merchant_a, analyst, platform_admin):
    case = make_case(merchant_a)
    _client(platform_admin).post(_case_url(case), {"action": "claim"})
    response = _client(analyst).post(_case_url(case), {"action": "claim"}, follow=True)
    assert response.status_code == 200
    assert "not waiting in the queue" in response.content.decode()
    contradictory = _client(platform_admin).post(
        _case_url(case), {"action": "decide", "outcome": "approved", "label": "fraud"}, follow=True
    )
    assert "contradicts" in contradictory.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).status == "claimed"


def test_bulk_claim_and_decide_from_the_queue(merchant_a, merchant_b, analyst):
    first, second = make_case(merchant_a), make_case(merchant_b)
    client = _client(analyst)
    client.post(reverse("fraud:queue"), {"action": "claim", "case_ids": [first.pk, second.pk]})
    assert set(ReviewCase.objects.values_list("assignee__username", flat=True)) == {"analyst1"}
    response = client.post(
        reverse("fraud:queue"),
        {"action": "decide", "outcome": "false_positive", "label": "legitimate", "case_ids": [first.pk, second.pk]},
        follow=True,
    )
    assert "Decide: 2 of 2 cases." in response.content.decode()
    assert set(ReviewCase.objects.values_list("status", flat=True)) == {"decided"}
    missing = client.post(reverse("fraud:queue"), {"action": "assign", "case_ids": [first.pk]}, follow=True)
    assert "Needed to assign cases" in missing.content.decode()


def test_block_button_puts_the_cases_card_on_the_block_list(merchant_a, analyst):
    case = make_case(merchant_a, card_fingerprint="card-evil")
    _client(analyst).post(_case_url(case), {"action": "block", "kind": "card"})
    entry = ListEntry.objects.get()
    assert (entry.list_type, entry.kind, entry.value) == ("block", "card", "card-evil")


def test_case_pages_are_for_analysts_and_admins(merchant_a, staff_a, agent):
    case = make_case(merchant_a)
    for user in (staff_a, agent):
        assert _client(user).get(_case_url(case)).status_code == 403
        assert _client(user).post(_case_url(case), {"action": "claim"}).status_code == 403
    assert ReviewCase.objects.get(pk=case.pk).status == "open"


def test_rule_condition_errors_name_the_column(analyst):
    client = _client(analyst)
    response = client.post(
        reverse("fraud:rules"),
        {"rule-name": "BAD", "rule-condition": "amount >> 3", "rule-action": "flag", "rule-weight": "0.2", "rule-enabled": "on"},
    )
    assert response.status_code == 200
    assert "column" in response.content.decode()
    assert not Rule.objects.filter(name="BAD").exists()
    client.post(
        reverse("fraud:rules"),
        {
            "rule-name": "BIG",
            "rule-condition": "amount > 500",
            "rule-action": "review",
            "rule-weight": "0.3",
            "rule-enabled": "on",
        },
    )
    assert Rule.objects.get(name="BIG").action == "review"


def test_backtest_shows_hits_precision_and_recall(merchant_a, analyst):
    for amount, fraud in ((900, True), (800, False), (20, True)):
        case = make_case(merchant_a, is_fraud=fraud)
        case.assessment.features = {"amount": amount}
        case.assessment.save()
    response = _client(analyst).post(reverse("fraud:rules"), {"action": "backtest", "condition": "amount > 500", "days": "30"})
    html = response.content.decode()
    assert "data-backtest" in html
    assert "<dt>Hits</dt><dd>2 " in html
    assert "<dt>Precision</dt><dd>0.500</dd>" in html and "<dt>Recall</dt><dd>0.500</dd>" in html


def test_risk_settings_edited_by_analysts_read_by_staff(merchant_a, merchant_b, analyst, staff_a):
    url = reverse("fraud:risk-settings-edit", kwargs={"slug": merchant_a.slug})
    bad = _client(analyst).post(url, {"review_threshold": "1.5", "review_sla_minutes": "60"})
    assert bad.status_code == 200 and not RiskSettings.objects.exists()
    _client(analyst).post(url, {"review_threshold": "0.4", "decline_threshold": "0.9", "review_sla_minutes": "60"})
    assert RiskSettings.objects.get(merchant=merchant_a).review_threshold == 0.4
    staff = _client(staff_a)
    assert staff.get(url).status_code == 200
    staff.post(url, {"review_threshold": "0.1", "review_sla_minutes": "5"})
    assert RiskSettings.objects.get(merchant=merchant_a).review_threshold == 0.4
    assert staff.get(reverse("fraud:risk-settings-edit", kwargs={"slug": merchant_b.slug})).status_code == 404


def test_webhooks_page_registers_endpoint_and_shows_secret_once(merchant_a, staff_a):
    client = _client(staff_a)
    response = client.post(
        reverse("fraud:webhooks"), {"action": "create", "merchant": merchant_a.slug, "url": "https://a.example/h"}, follow=True
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in client.get(reverse("fraud:webhooks")).content.decode()


def test_webhooks_page_is_scoped(merchant_a, merchant_b, staff_a):
    theirs = WebhookEndpoint.objects.create(merchant=merchant_b, url="https://b.example/secret-hook", secret="whsec_b")
    dead = WebhookDelivery.objects.create(endpoint=theirs, event="decision", payload={}, status="dead")
    client = _client(staff_a)
    html = client.get(reverse("fraud:webhooks")).content.decode()
    assert "b.example" not in html
    assert client.post(reverse("fraud:webhooks"), {"action": "redeliver", "id": dead.pk}).status_code == 404
    assert client.post(reverse("fraud:webhooks"), {"action": "delete", "id": theirs.pk}).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()
    dead.refresh_from_db()
    assert dead.status == "dead"


def test_webhooks_redeliver_and_pause(merchant_a, staff_a):
    endpoint = WebhookEndpoint.objects.create(merchant=merchant_a, url="https://a.example/h", secret="whsec_a")
    dead = WebhookDelivery.objects.create(endpoint=endpoint, event="outcome", payload={}, status="dead", attempts=6)
    client = _client(staff_a)
    client.post(reverse("fraud:webhooks"), {"action": "redeliver", "id": dead.pk})
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("pending", 0)
    client.post(reverse("fraud:webhooks"), {"action": "pause", "id": endpoint.pk})
    endpoint.refresh_from_db()
    assert endpoint.active is False


def test_overview_draws_its_charts(merchant_a, analyst):
    make_case(merchant_a, score=0.8, flags=["UNUSUAL_AMOUNT"])
    html = _client(analyst).get(reverse("fraud:overview")).content.decode()
    for element in ("chart-decisions", "chart-scores", "chart-queue", "chart-rules"):
        assert f'id="{element}"' in html
    assert 'data-kpi="waiting">1<' in html


def test_lists_page_adds_and_removes_entries(analyst):
    client = _client(analyst)
    client.post(reverse("fraud:lists"), {"action": "add", "list_type": "block", "kind": "email", "value": "Bad@Example.test"})
    entry = ListEntry.objects.get()
    assert entry.value == "bad@example.test"
    assert "bad@example.test" in client.get(reverse("fraud:lists")).content.decode()
    assert client.post(reverse("fraud:lists"), {"action": "remove", "entry": "x"}).status_code == 404
    client.post(reverse("fraud:lists"), {"action": "remove", "entry": entry.pk})
    assert not ListEntry.objects.exists()
