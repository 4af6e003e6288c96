from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import User
from apps.core.models import AuditLog
from apps.fraud.case_selectors import case_list
from apps.fraud.cases import (
    CaseConflict,
    CaseForbidden,
    case_assign,
    case_claim,
    case_decide,
    case_note,
    case_release,
    case_snooze,
    cases_bulk,
)
from apps.fraud.models import ReviewCase, WebhookDelivery
from apps.fraud.webhooks import webhook_endpoint_create
from tests import factories
from tests.fraud.case_factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst2(db):
    return factories.UserFactory(username="analyst2", role=User.Role.FRAUD_ANALYST)


def _actions(case):
    return list(case.events.order_by("at", "pk").values_list("action", flat=True))


def _audited(case):
    return AuditLog.objects.filter(object_type="fraud.ReviewCase", object_id=str(case.pk)).count()


def test_claim_takes_the_case_and_records_it(merchant_a, analyst):
    case = make_case(merchant_a)
    case_claim(case=case, actor=analyst)
    case.refresh_from_db()
    assert (case.status, case.assignee, case.claimed_at is not None) == ("claimed", analyst, True)
    assert _actions(case) == ["opened", "claimed"]
    assert _audited(case) == 1


def test_second_claim_is_refused_and_leaves_the_holder(merchant_a, analyst, analyst2):
    case = make_case(merchant_a)
    case_claim(case=case, actor=analyst)
    stale = ReviewCase.objects.get(pk=case.pk)
    with pytest.raises(CaseConflict) as refused:
        case_claim(case=stale, actor=analyst2)
    assert refused.value.code == "not_claimable"
    case.refresh_from_db()
    assert case.assignee == analyst
    assert _actions(case) == ["opened", "claimed"]


def test_claim_refused_for_non_analysts(merchant_a, staff_a, agent):
    case = make_case(merchant_a)
    for user in (staff_a, agent):
        with pytest.raises(CaseForbidden):
            case_claim(case=case, actor=user)
    assert ReviewCase.objects.get(pk=case.pk).status == "open"


def test_release_only_by_holder_or_admin(merchant_a, analyst, analyst2, platform_admin):
    case = make_case(merchant_a)
    case_claim(case=case, actor=analyst)
    with pytest.raises(CaseConflict):
        case_release(case=case, actor=analyst2)
    case_release(case=case, actor=analyst)
    assert (case.status, case.assignee) == ("open", None)
    case_claim(case=case, actor=analyst2)
    case_release(case=case, actor=platform_admin)
    assert case.status == "open"
    assert _actions(case) == ["opened", "claimed", "released", "claimed", "released"]


def test_assign_to_colleague(merchant_a, analyst, analyst2, staff_a, platform_admin):
    case = make_case(merchant_a)
    with pytest.raises(ValidationError) as invalid:
        case_assign(case=case, actor=analyst, assignee=staff_a)
    assert "assignee" in invalid.value.message_dict
    case_assign(case=case, actor=analyst, assignee=analyst2)
    assert (case.status, case.assignee) == ("claimed", analyst2)
    # analyst does not hold it any more, so cannot hand it on; the holder and admins can
    with pytest.raises(CaseConflict):
        case_assign(case=case, actor=analyst, assignee=analyst)
    case_assign(case=case, actor=analyst2, assignee=analyst)
    case_assign(case=case, actor=platform_admin, assignee=analyst2)
    assert case.assignee == analyst2
    assigned = case.events.filter(action="assigned").order_by("pk")
    assert [event.data["assignee"] for event in assigned] == ["analyst2", "analyst1", "analyst2"]


def test_snooze_hides_case_until_it_is_due(merchant_a, analyst, analyst2):
    case = make_case(merchant_a)
    case_claim(case=case, actor=analyst)
    with pytest.raises(ValidationError):
        case_snooze(case=case, actor=analyst, until=timezone.now() - timedelta(minutes=1))
    case_snooze(case=case, actor=analyst, until=timezone.now() + timedelta(hours=2))
    assert (case.status, case.assignee) == ("snoozed", None)
    waiting = case_list(user=analyst, filters={"status": "waiting"})
    assert case not in waiting
    with pytest.raises(CaseConflict):
        case_claim(case=case, actor=analyst2)
    ReviewCase.objects.filter(pk=case.pk).update(snoozed_until=timezone.now() - timedelta(seconds=1))
    assert case in case_list(user=analyst, filters={"status": "waiting"})
    case_claim(case=case, actor=analyst2)
    assert (case.status, case.snoozed_until) == ("claimed", None)
    assert _actions(case) == ["opened", "claimed", "snoozed", "claimed"]


def test_note_is_recorded_even_on_decided_cases(merchant_a, analyst):
    case = make_case(merchant_a)
    with pytest.raises(ValidationError):
        case_note(case=case, actor=analyst, text="   ")
    case_decide(case=case, actor=analyst, outcome="approved", is_fraud=False)
    event = case_note(case=case, actor=analyst, text="Customer called to confirm.")
    assert (event.action, event.note, event.actor) == ("noted", "Customer called to confirm.", analyst)


def test_decide_labels_payment_and_case_and_sends_outcome(merchant_a, analyst, staff_a, django_capture_on_commit_callbacks):
    webhook_endpoint_create(actor=staff_a, merchant=merchant_a, url="http://127.0.0.1:9/unused")
    case = make_case(merchant_a)
    case_claim(case=case, actor=analyst)
    with django_capture_on_commit_callbacks(execute=False):
        case_decide(case=case, actor=analyst, outcome="declined_fraud", is_fraud=True, note="Card testing burst")
    case.refresh_from_db()
    payment = case.assessment.payment
    payment.refresh_from_db()
    assert (case.status, case.outcome, case.is_fraud, case.decided_by) == ("decided", "declined_fraud", True, analyst)
    assert (payment.is_fraud, payment.label_source) == (True, "analyst")
    decided = case.events.get(action="decided")
    assert decided.data == {"outcome": "declined_fraud", "is_fraud": True} and decided.note == "Card testing burst"
    delivery = WebhookDelivery.objects.get(event="outcome")
    assert delivery.payload["transaction_id"] == payment.transaction_id
    assert delivery.payload["outcome"] == "declined_fraud" and delivery.payload["is_fraud"] is True


def test_decide_unclaimed_case_makes_actor_the_holder(merchant_a, analyst):
    case = make_case(merchant_a)
    case_decide(case=case, actor=analyst, outcome="false_positive", is_fraud=False)
    assert (case.status, case.assignee, case.decided_by) == ("decided", analyst, analyst)
    assert case.assessment.payment.is_fraud is False


def test_decided_cases_are_final(merchant_a, analyst, platform_admin):
    case = make_case(merchant_a)
    case_decide(case=case, actor=analyst, outcome="approved", is_fraud=False)
    for action in (
        lambda: case_decide(case=case, actor=platform_admin, outcome="declined_fraud", is_fraud=True),
        lambda: case_claim(case=case, actor=analyst),
        lambda: case_release(case=case, actor=platform_admin),
        lambda: case_snooze(case=case, actor=platform_admin, until=timezone.now() + timedelta(hours=1)),
    ):
        with pytest.raises(CaseConflict):
            action()
    case.refresh_from_db()
    assert (case.outcome, case.is_fraud) == ("approved", False)


def test_decide_on_someone_elses_case_is_refused(merchant_a, analyst, analyst2):
    case = make_case(merchant_a)
    case_claim(case=case, actor=analyst)
    with pytest.raises(CaseConflict):
        case_decide(case=case, actor=analyst2, outcome="approved", is_fraud=False)


@pytest.mark.parametrize(
    ("outcome", "is_fraud", "field"),
    [
        ("declined_fraud", False, "is_fraud"),
        ("false_positive", True, "is_fraud"),
        ("approved", True, "is_fraud"),
        ("banned", True, "outcome"),
    ],
)
def test_decide_refuses_contradictory_labels(merchant_a, analyst, outcome, is_fraud, field):
    case = make_case(merchant_a)
    with pytest.raises(ValidationError) as invalid:
        case_decide(case=case, actor=analyst, outcome=outcome, is_fraud=is_fraud)
    assert field in invalid.value.message_dict
    assert ReviewCase.objects.get(pk=case.pk).status == "open"


def test_refunded_accepts_either_label(merchant_a, analyst):
    for label in (True, False):
        case = make_case(merchant_a)
        case_decide(case=case, actor=analyst, outcome="refunded", is_fraud=label)
        assert case.is_fraud is label


def test_chargeback_label_outranks_the_analyst(merchant_a, analyst):
    case = make_case(merchant_a)
    payment = case.assessment.payment
    payment.is_fraud, payment.label_source = True, "chargeback"
    payment.save()
    case_decide(case=case, actor=analyst, outcome="refunded", is_fraud=False)
    payment.refresh_from_db()
    assert (payment.is_fraud, payment.label_source) == (True, "chargeback")
    assert case.is_fraud is False


def test_bulk_applies_each_item_on_its_own(merchant_a, analyst, analyst2):
    taken, free_1, free_2 = (make_case(merchant_a) for _ in range(3))
    case_claim(case=taken, actor=analyst2)
    results = cases_bulk(cases=[free_1, taken, free_2], actor=analyst, action="claim")
    assert [(r["case_id"], r["ok"]) for r in results] == [(free_1.pk, True), (taken.pk, False), (free_2.pk, True)]
    assert results[1]["code"] == "not_claimable"
    decided = cases_bulk(
        cases=[free_1, free_2, taken], actor=analyst, action="decide", params={"outcome": "approved", "is_fraud": False}
    )
    assert [r["ok"] for r in decided] == [True, True, False]
    assert set(ReviewCase.objects.filter(status="decided").values_list("pk", flat=True)) == {free_1.pk, free_2.pk}
    assert ReviewCase.objects.get(pk=taken.pk).assignee == analyst2


def test_bulk_reports_bad_parameters_per_item_and_unknown_actions(merchant_a, analyst):
    case = make_case(merchant_a)
    with pytest.raises(ValidationError):
        cases_bulk(cases=[case], actor=analyst, action="delete")
    [result] = cases_bulk(cases=[case], actor=analyst, action="snooze", params={"until": timezone.now()})
    assert (result["ok"], result["code"]) == (False, "invalid")
