from datetime import timedelta

import pytest
from django.utils import timezone

from apps.fraud.cases import case_open
from apps.fraud.models import CaseEvent, ReviewCase, RiskSettings
from tests.fraud.case_factories import make_assessment

pytestmark = pytest.mark.django_db


def test_case_open_takes_priority_from_score_and_default_sla(merchant_a):
    assessment = make_assessment(merchant_a, score=0.83)
    before = timezone.now()
    case = case_open(assessment=assessment)
    assert case.merchant == merchant_a
    assert case.status == ReviewCase.Status.OPEN
    assert case.priority == pytest.approx(0.83)
    assert before + timedelta(minutes=240) <= case.sla_due_at <= timezone.now() + timedelta(minutes=240)
    assert list(case.events.values_list("action", flat=True)) == ["opened"]


def test_case_open_is_idempotent(merchant_a):
    assessment = make_assessment(merchant_a)
    first = case_open(assessment=assessment)
    second = case_open(assessment=assessment)
    assert first.pk == second.pk
    assert ReviewCase.objects.count() == 1
    assert CaseEvent.objects.filter(case=first).count() == 1


def test_case_open_sla_prefers_merchant_row_over_platform_row(merchant_a, merchant_b):
    RiskSettings.objects.create(merchant=None, review_sla_minutes=60)
    RiskSettings.objects.create(merchant=merchant_a, review_sla_minutes=15)
    now = timezone.now()
    case_a = case_open(assessment=make_assessment(merchant_a))
    case_b = case_open(assessment=make_assessment(merchant_b))
    assert timedelta(minutes=14) < case_a.sla_due_at - now <= timedelta(minutes=15, seconds=5)
    assert timedelta(minutes=59) < case_b.sla_due_at - now <= timedelta(minutes=60, seconds=5)
