"""Scalping and ring findings as RiskSignals: who they implicate, and narrowed by customer and merchant."""
from __future__ import annotations

import pytest

from apps.abuse.risk_signals import risk_signals
from apps.abuse.services import rings_detect, scalping_detect
from tests.abuse.builders import plant_ring, plant_scalpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(merchant_a, merchant_b):
    """A ring at merchant A; a scalper group at merchant B."""
    ring_buyers = plant_ring(merchant_a)
    _, scalpers, _ = plant_scalpers(merchant_b)
    rings_detect()
    scalping_detect()
    return ring_buyers, scalpers


def test_every_signal_names_its_source_subject_and_reason(findings, merchant_a):
    ring_buyers, scalpers = findings
    signals = risk_signals()
    by_key = {(s.source, s.subject, s.subject_id): s for s in signals}
    assert {(s.source, s.subject) for s in signals} == {("rings", "customer"), ("rings", "seller"), ("scalping", "customer")}
    assert {k[2] for k in by_key if k[:2] == ("rings", "customer")} == {c.pk for c in ring_buyers}
    assert {k[2] for k in by_key if k[0] == "scalping"} == {c.pk for c in scalpers}
    seller = by_key[("rings", "seller", merchant_a.pk)]
    assert 0.8 <= seller.score <= 1 and "ring of 3 linked buyers" in seller.reason
    scalper = by_key[("scalping", "customer", scalpers[0].pk)]
    assert 'bought 2 of 6 units of limited "SCALP Limited Drop" with 2 linked accounts' in scalper.reason
    assert all(0 <= s.score <= 1 and s.observed_at for s in signals)


def test_merchant_ids_narrow_to_that_shops_findings(findings, merchant_a, merchant_b):
    ring_buyers, scalpers = findings
    mine = risk_signals(merchant_ids=[merchant_b.pk])
    assert {(s.source, s.subject_id) for s in mine} == {("scalping", c.pk) for c in scalpers}
    assert {s.subject for s in risk_signals(merchant_ids=[merchant_a.pk])} == {"customer", "seller"}


def test_customer_ids_narrow_to_those_customers(findings):
    ring_buyers, scalpers = findings
    asked = risk_signals(customer_ids=[ring_buyers[0].pk, scalpers[1].pk])
    assert sorted((s.source, s.subject_id) for s in asked) == sorted(
        [("rings", ring_buyers[0].pk), ("scalping", scalpers[1].pk)]
    )


def test_inactive_rings_say_nothing(findings):
    from apps.abuse.models import Ring

    Ring.objects.update(active=False)
    assert {s.source for s in risk_signals()} == {"scalping"}
