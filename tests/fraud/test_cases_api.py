from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.fraud.cases import case_claim
from apps.fraud.models import ReviewCase
from tests import factories
from tests.fraud.case_factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_analyst(api_client_for, analyst):
    return api_client_for(analyst)


def _action(client, case, name, body=None):
    return client.post(reverse(f"fraud-case-{name}", kwargs={"pk": case.pk}), body or {}, format="json")


def test_queue_is_ordered_by_priority_then_age(merchant_a, api_analyst):
    older_low = make_case(merchant_a, score=0.6)
    high = make_case(merchant_a, score=0.9)
    newer_low = make_case(merchant_a, score=0.6)
    ReviewCase.objects.filter(pk=older_low.pk).update(created_at=timezone.now() - timedelta(hours=3))
    rows = api_analyst.get(reverse("fraud-case-list")).json()["results"]
    assert [row["id"] for row in rows] == [high.pk, older_low.pk, newer_low.pk]
    assert rows[0]["score"] == pytest.approx(0.9) and rows[0]["flags"] == ["VELOCITY_BREACH"]
    assert 0 < rows[0]["sla_seconds_left"] <= 240 * 60


def test_queue_filters(merchant_a, merchant_b, analyst, api_analyst):
    small = make_case(merchant_a, amount=Decimal("10.00"), flags=["ROUND_AMOUNT"])
    big = make_case(merchant_a, amount=Decimal("900.00"))
    other = make_case(merchant_b, amount=Decimal("500.00"))
    case_claim(case=big, actor=analyst)
    ReviewCase.objects.filter(pk=small.pk).update(created_at=timezone.now() - timedelta(hours=30))

    def ids(**params):
        response = api_analyst.get(reverse("fraud-case-list"), params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(merchant=merchant_b.slug) == {other.pk}
    assert ids(min_amount="100") == {big.pk, other.pk}
    assert ids(max_amount="100") == {small.pk}
    assert ids(flag="ROUND_AMOUNT") == {small.pk}
    assert ids(min_age_hours="24") == {small.pk}
    assert ids(max_age_hours="24") == {big.pk, other.pk}
    assert ids(assignee="me") == {big.pk}
    assert ids(assignee="none") == {small.pk, other.pk}
    assert ids(status="claimed") == {big.pk}
    assert ids(status="waiting") == {small.pk, other.pk}


def test_bad_filter_is_a_400_naming_the_field(api_analyst):
    response = api_analyst.get(reverse("fraud-case-list"), {"min_amount": "lots"})
    assert response.status_code == 400
    assert "min_amount" in response.json()["errors"]


def test_case_detail_shows_payment_reasons_history_and_links(merchant_a, merchant_b, api_analyst, api_a):
    case = make_case(merchant_a, card_fingerprint="card-shared", device_id="dev-shared", ip_address="203.0.113.7")
    customer = case.assessment.payment.customer
    make_case(merchant_a, customer=customer)  # recent history of the same customer
    sharer = factories.PaymentFactory(merchant=merchant_a, card_fingerprint="card-shared", device_id="dev-shared")
    foreign_sharer = factories.PaymentFactory(merchant=merchant_b, card_fingerprint="card-shared")
    body = api_analyst.get(reverse("fraud-case-detail", kwargs={"pk": case.pk})).json()
    assert body["case"]["id"] == case.pk
    assert body["payment"]["transaction_id"] == case.assessment.payment.transaction_id
    assert body["assessment"]["reasons"][0]["feature"] == "card_count_1h"
    assert body["assessment"]["features"]["card_count_1h"] == 7
    assert len(body["recent_payments"]) == 1
    linked = {row["customer_id"]: row["shared"] for row in body["linked_customers"]}
    assert linked == {sharer.customer.external_id: ["card", "device"], foreign_sharer.customer.external_id: ["card"]}
    assert [event["action"] for event in body["events"]] == ["opened"]
    # merchant staff read their case, but links through another merchant's payments stay hidden
    staff_view = api_a.get(reverse("fraud-case-detail", kwargs={"pk": case.pk})).json()
    assert {row["customer_id"] for row in staff_view["linked_customers"]} == {sharer.customer.external_id}


def test_claim_release_assign_snooze_note_decide_over_the_api(merchant_a, analyst, api_analyst, api_client_for):
    colleague = factories.UserFactory(username="colleague", role=User.Role.FRAUD_ANALYST)
    case = make_case(merchant_a)
    response = _action(api_analyst, case, "claim")
    assert response.status_code == 200 and response.json()["assignee"] == analyst.username
    assert _action(api_client_for(colleague), case, "claim").status_code == 409
    assert _action(api_client_for(colleague), case, "release").json()["code"] == "not_holder"
    assert _action(api_analyst, case, "release").json()["status"] == "open"
    assert _action(api_analyst, case, "assign", {"assignee": "colleague"}).json()["assignee"] == "colleague"
    until = (timezone.now() + timedelta(hours=1)).isoformat()
    assert _action(api_client_for(colleague), case, "snooze", {"until": until}).json()["status"] == "snoozed"
    note = _action(api_analyst, case, "notes", {"text": "Waiting for the bank."})
    assert note.status_code == 201 and note.json()["action"] == "noted"
    ReviewCase.objects.filter(pk=case.pk).update(snoozed_until=timezone.now() - timedelta(minutes=1))
    decided = _action(api_analyst, case, "decide", {"outcome": "declined_fraud", "is_fraud": True, "note": "ATO"})
    assert decided.status_code == 200 and decided.json()["outcome"] == "declined_fraud"
    assert _action(api_analyst, case, "decide", {"outcome": "approved", "is_fraud": False}).status_code == 409
    events = api_analyst.get(reverse("fraud-case-detail", kwargs={"pk": case.pk})).json()["events"]
    assert [event["action"] for event in events] == ["opened", "claimed", "released", "assigned", "snoozed", "noted", "decided"]


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("assign", {"assignee": "staff_a"}, "assignee"),
        ("assign", {}, "assignee"),
        ("snooze", {"until": "2001-01-01T00:00:00Z"}, "until"),
        ("snooze", {"until": "soon"}, "until"),
        ("decide", {"outcome": "maybe", "is_fraud": True}, "outcome"),
        ("decide", {"outcome": "approved", "is_fraud": True}, "is_fraud"),
        ("decide", {"outcome": "approved"}, "is_fraud"),
        ("notes", {"text": ""}, "text"),
    ],
)
def test_bad_action_input_is_a_400_naming_the_field(merchant_a, staff_a, api_analyst, name, body, field):
    case = make_case(merchant_a)
    response = _action(api_analyst, case, name, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_assigning_to_an_unknown_or_ineligible_user_answers_the_same_400(merchant_a, staff_a, api_analyst):
    case = make_case(merchant_a)
    factories.UserFactory(username="gone-analyst", role=User.Role.FRAUD_ANALYST, is_active=False)
    factories.UserFactory(username="the-agent", role=User.Role.SUPPORT_AGENT)
    bodies = set()
    for username in ("no-such-user", staff_a.username, "gone-analyst", "the-agent"):
        response = _action(api_analyst, case, "assign", {"assignee": username})
        assert response.status_code == 400, response.content
        assert "not an analyst of this merchant" in response.json()["errors"]["assignee"][0].lower()
        bodies.add(response.content)
        bulk = api_analyst.post(
            reverse("fraud-case-bulk"), {"case_ids": [case.pk], "action": "assign", "assignee": username}, format="json"
        )
        assert bulk.status_code == 400
        bodies.add(bulk.content)
    assert len(bodies) == 1, bodies
    assert ReviewCase.objects.get(pk=case.pk).assignee is None


def test_callers_who_do_not_work_cases_get_403_whatever_the_assignee(merchant_a, analyst, api_a):
    """The role is checked before the input, so a 400-or-not cannot tell a merchant member who exists."""
    case = make_case(merchant_a)
    for username in ("no-such-user", analyst.username):
        assert _action(api_a, case, "assign", {"assignee": username}).status_code == 403
        bulk = api_a.post(
            reverse("fraud-case-bulk"), {"case_ids": [case.pk], "action": "assign", "assignee": username}, format="json"
        )
        assert bulk.status_code == 403
    assert _action(api_a, case, "notes", {"text": ""}).status_code == 403
    assert ReviewCase.objects.get(pk=case.pk).assignee is None


def test_merchant_staff_read_but_do_not_work_cases(merchant_a, merchant_b, api_a):
    mine, theirs = make_case(merchant_a), make_case(merchant_b)
    assert {row["id"] for row in api_a.get(reverse("fraud-case-list")).json()["results"]} == {mine.pk}
    assert api_a.get(reverse("fraud-case-detail", kwargs={"pk": theirs.pk})).status_code == 404
    assert _action(api_a, mine, "claim").status_code == 403
    assert _action(api_a, theirs, "claim").status_code == 404
    assert _action(api_a, mine, "decide", {"outcome": "approved", "is_fraud": False}).status_code == 403
    response = api_a.post(reverse("fraud-case-bulk"), {"case_ids": [mine.pk], "action": "claim"}, format="json")
    assert response.status_code == 403
    assert ReviewCase.objects.get(pk=mine.pk).status == "open"


def test_support_agents_and_customers_cannot_work_cases(merchant_a, agent, customer_user, api_client_for):
    case = make_case(merchant_a)
    assert _action(api_client_for(agent), case, "claim").status_code == 403
    assert _action(api_client_for(customer_user), case, "claim").status_code == 403
    assert _action(api_client_for(None), case, "claim").status_code == 401


def test_bulk_returns_a_result_per_id(merchant_a, api_analyst, api_client_for, platform_admin):
    free, taken = make_case(merchant_a), make_case(merchant_a)
    _action(api_client_for(platform_admin), taken, "claim")
    response = api_analyst.post(
        reverse("fraud-case-bulk"), {"case_ids": [free.pk, taken.pk, 999999, free.pk], "action": "claim"}, format="json"
    )
    assert response.status_code == 200
    assert [(row["case_id"], row["ok"], row.get("code")) for row in response.json()] == [
        (free.pk, True, None),
        (taken.pk, False, "not_claimable"),
        (999999, False, "not_found"),
    ]


def test_bulk_validates_action_parameters(merchant_a, api_analyst):
    case = make_case(merchant_a)
    url = reverse("fraud-case-bulk")
    missing_label = api_analyst.post(url, {"case_ids": [case.pk], "action": "decide", "outcome": "approved"}, format="json")
    assert missing_label.status_code == 400 and "is_fraud" in missing_label.json()["errors"]
    bad_action = api_analyst.post(url, {"case_ids": [case.pk], "action": "explode"}, format="json")
    assert bad_action.status_code == 400 and "action" in bad_action.json()["errors"]
    empty = api_analyst.post(url, {"case_ids": [], "action": "claim"}, format="json")
    assert empty.status_code == 400 and "case_ids" in empty.json()["errors"]
    decided = api_analyst.post(
        url, {"case_ids": [case.pk], "action": "decide", "outcome": "approved", "is_fraud": False}, format="json"
    )
    assert decided.json() == [{"case_id": case.pk, "ok": True, "status": "decided"}]
