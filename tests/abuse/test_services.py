"""Detection over stored data: rings found and kept idempotently; scalping flagged into the fraud queue."""
from __future__ import annotations

import pytest

from apps.abuse.models import Ring, RingMember, ScalpingFlag
from apps.abuse.services import rings_detect, scalping_detect
from apps.fraud.models import Assessment, ReviewCase
from tests import factories
from tests.abuse.builders import busy_shop, plant_ring, plant_scalpers

pytestmark = pytest.mark.django_db


def test_planted_ring_is_found_and_the_busy_shop_is_not(merchant_a, merchant_b):
    members = plant_ring(merchant_a)
    busy_shop(merchant_b)
    summary = rings_detect()
    assert (summary.rings, summary.new) == (1, 1)
    ring = Ring.objects.get()
    assert ring.merchant == merchant_a and ring.active and ring.score >= 0.8
    buyers = set(ring.members.filter(kind=RingMember.Kind.BUYER).values_list("customer_id", flat=True))
    assert buyers == {c.pk for c in members}
    assert set(ring.members.exclude(kind="buyer").values_list("kind", "value")) == {("card", "card-RING"), ("device", "dev-RING")}
    labels = {node["label"] for node in ring.nodes}
    assert {"C-RING-0", merchant_a.name} <= labels  # people read external ids and the shop's name
    assert not Ring.objects.filter(merchant=merchant_b).exists()


def test_re_running_detection_updates_in_place_and_retires_rings_no_longer_found(merchant_a):
    members = plant_ring(merchant_a)
    rings_detect()
    first = Ring.objects.get()
    again = rings_detect()
    assert (again.rings, again.new, again.retired) == (1, 0, 0)
    assert Ring.objects.get().pk == first.pk
    assert RingMember.objects.filter(ring=first).count() == 5  # 3 buyers, a card, a device: not doubled
    # One buyer's card and device turn out to be their own (data corrected): the ring changes shape.
    from apps.orders.models import Payment

    Payment.objects.filter(customer=members[2]).update(card_fingerprint="own-card", device_id="own-device")
    changed = rings_detect()
    assert (changed.rings, changed.new, changed.retired) == (1, 1, 1)
    assert not Ring.objects.get(pk=first.pk).active
    assert Ring.objects.get(active=True).buyers == 2


def test_scalper_group_is_flagged_and_each_payment_opens_a_case(merchant_a):
    product, customers, payments = plant_scalpers(merchant_a)
    summary = scalping_detect()
    assert (summary.flagged, summary.payments, summary.source) == (1, 3, "rules")
    flag = ScalpingFlag.objects.get()
    assert (flag.merchant, flag.product, flag.accounts, flag.units) == (merchant_a, product, 3, 6)
    assert set(flag.customers.all()) == set(customers)
    assert "6 units of a limited item bought by 3 linked accounts" in flag.reasons[0]
    for payment in payments:
        assessment = Assessment.objects.get(payment=payment)
        assert assessment.flags == ["scalping"]
        assert assessment.reasons[0]["text"].startswith("Scalping: 6 units")
        case = ReviewCase.objects.get(assessment=assessment)
        assert case.status == "open" and case.priority == flag.score


def test_scalping_adds_to_an_existing_assessment_without_changing_its_decision(merchant_a):
    _, _, payments = plant_scalpers(merchant_a)
    existing = Assessment.objects.create(
        merchant=merchant_a, payment=payments[0], decision="approve", score=0.1, flags=["NEW_DEVICE"],
        reasons=[{"text": "first payment from this device", "feature": "device_new", "value": 1}],
    )
    scalping_detect()
    existing.refresh_from_db()
    assert existing.decision == "approve" and existing.score == 0.1
    assert existing.flags == ["NEW_DEVICE", "scalping"]
    assert [r["feature"] for r in existing.reasons] == ["scalping", "device_new"]
    assert ReviewCase.objects.get(assessment=existing).priority > 0.1  # raised to the finding's score


def test_scalping_detection_is_idempotent(merchant_a):
    plant_scalpers(merchant_a)
    scalping_detect()
    scalping_detect()
    assert ScalpingFlag.objects.count() == 1
    assert ReviewCase.objects.count() == 3
    assert all(a.flags == ["scalping"] for a in Assessment.objects.all())


def test_unlinked_buyers_of_a_limited_drop_are_not_flagged(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, customisable=False, stock=1, attributes={"limited_edition": True})
    for i in range(5):
        order = factories.OrderFactory(merchant=merchant_a, status="paid")
        factories.OrderItemFactory(order=order, product=product, quantity=2)
        factories.PaymentFactory(merchant=merchant_a, customer=order.customer, order=order, card_fingerprint=f"own-{i}")
    assert scalping_detect().flagged == 0
    assert not ReviewCase.objects.exists()
