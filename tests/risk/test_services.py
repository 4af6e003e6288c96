"""Refreshing risk scores: real fraud evidence, other detectors, per-shop isolation, idempotence."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.risk.models import RiskScore
from apps.risk.services import risk_scores_refresh
from tests import factories
from tests.fraud.case_factories import make_assessment
from tests.risk import builders


def test_confirmed_fraud_makes_a_customer_high_risk_with_the_reason(merchant_a):
    assessment = make_assessment(merchant_a, score=0.3, decision="approve", is_fraud=True)
    make_assessment(merchant_a, score=0.1, decision="approve", customer=assessment.payment.customer)
    risk_scores_refresh()
    row = RiskScore.objects.get(customer=assessment.payment.customer)
    assert (row.merchant, row.subject, row.score, row.band) == (merchant_a, "customer", 1.0, "high")
    assert row.components[0]["source"] == "fraud"
    assert row.components[0]["reasons"] == ["1 of 2 payments in 90 days confirmed as fraud"]


def test_unconfirmed_payments_count_with_their_highest_score_and_low_scores_are_no_signal(merchant_a):
    risky = make_assessment(merchant_a, score=0.55, decision="review")
    make_assessment(merchant_a, score=0.05, decision="approve")  # a calm customer: no row at all
    old = make_assessment(merchant_a, score=0.99, decision="decline", timestamp=timezone.now() - timedelta(days=200))
    risk_scores_refresh()
    rows = {row.customer_id: row for row in RiskScore.objects.all()}
    assert set(rows) == {risky.payment.customer_id}, "outside the 90-day window and below 0.2 are no signal"
    assert rows[risky.payment.customer_id].score == pytest.approx(0.55)
    assert rows[risky.payment.customer_id].band == "medium"
    assert old.payment.customer_id not in rows


def test_each_shop_sees_only_its_own_evidence_about_a_shared_customer(merchant_a, merchant_b):
    customer = factories.CustomerFactory()
    make_assessment(merchant_a, score=0.9, decision="decline", customer=customer)
    make_assessment(merchant_b, score=0.25, decision="approve", customer=customer)
    risk_scores_refresh()
    scores = dict(RiskScore.objects.filter(customer=customer).values_list("merchant_id", "score"))
    assert scores == {merchant_a.pk: pytest.approx(0.9), merchant_b.pk: pytest.approx(0.25)}


def test_detectors_combine_and_seller_signals_stay_with_their_own_shop(merchant_a, merchant_b, fake_detector):
    assessment = make_assessment(merchant_a, score=0.5, decision="review")
    customer_id = assessment.payment.customer_id
    fake_detector("bots", "customer", customer_id, 0.5, "412 events in 3 minutes")
    fake_detector("bots", "seller", merchant_a.pk, 0.9, "ring of 3 buyers")
    risk_scores_refresh(merchant_ids=[merchant_a.pk])
    row = RiskScore.objects.get(customer_id=customer_id)
    assert row.score == pytest.approx(1 - 0.5 * (1 - 0.6 * 0.5))
    assert [c["source"] for c in row.components] == ["fraud", "bots"]
    seller = RiskScore.objects.get(subject="seller")
    assert seller.merchant == merchant_a and seller.customer is None
    # The same fake answers for shop B too; a seller signal naming shop A must not land on B.
    risk_scores_refresh(merchant_ids=[merchant_b.pk])
    assert not RiskScore.objects.filter(merchant=merchant_b, subject="seller").exists()


def test_refresh_is_idempotent_and_drops_subjects_whose_signals_are_gone(merchant_a, fake_detector):
    customer = factories.MerchantCustomerFactory(merchant=merchant_a).customer
    fake_detector("bots", "customer", customer.pk, 0.8)
    first = risk_scores_refresh()
    again = risk_scores_refresh()
    assert first == again and RiskScore.objects.count() == 1
    builders.PLANTED.clear()
    risk_scores_refresh()
    assert RiskScore.objects.count() == 0
