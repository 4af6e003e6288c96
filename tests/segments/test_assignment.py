"""Dynamic assignment: a new order places its customer in the current segmentation without
retraining, through the Celery task the order's commit queues."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from apps.orders.services import OrderItemRow, order_create
from apps.segments.models import CustomerSegment, SegmentationRun
from apps.segments.selectors import current_run, customer_segment_name
from apps.segments.services import customer_segment_assign
from apps.segments.tasks import assign_customer_task
from tests import factories


def _order(staff, merchant, product, *, number: str, customer: str, price: str):
    return order_create(
        actor=staff,
        merchant=merchant,
        number=number,
        customer_external_id=customer,
        items=[OrderItemRow(product_external_id=product.external_id, quantity=1, unit_price=Decimal(price))],
        subtotal=Decimal(price),
        total=Decimal(price),
    )


def test_a_new_order_places_the_customer_in_the_nearest_segment(trained, staff_a, django_capture_on_commit_callbacks):
    shop = trained.shop_a
    run = current_run(merchant_id=shop.merchant.pk)
    locket = shop.merchant.products.get(title="A Engraved Locket")
    gift_segment = customer_segment_name(customer_id=shop.gift_buyers[0].pk, merchant_id=shop.merchant.pk)
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = _order(staff_a, shop.merchant, locket, number="ORD-990001", customer="NEW-GIFT", price="190.00")
    membership = CustomerSegment.objects.get(run=run, customer=order.customer)
    assert membership.dynamic and membership.segment.name == gift_segment
    assert membership.frequency == 1 and membership.monetary == 190.0
    assert membership.rfm_group in {"New", "Promising"}  # just ordered, once
    platform = CustomerSegment.objects.get(run=current_run(merchant_id=None), customer=order.customer)
    assert platform.dynamic
    assert SegmentationRun.objects.count() == 3  # placed, not retrained


def test_a_changed_customer_moves_to_the_segment_their_behaviour_now_fits(trained):
    shop = trained.shop_a
    mug = shop.merchant.products.get(title="A Name Mug")
    convert = shop.gift_buyers[0]
    regular_name = customer_segment_name(customer_id=shop.regulars[0].pk, merchant_id=shop.merchant.pk)
    for n in range(12):
        order = factories.OrderFactory(
            merchant=shop.merchant, customer=convert, status="paid", total=Decimal("16.00"), number=f"ORD-98{n:04d}"
        )
        factories.OrderItemFactory(order=order, product=mug, unit_price=Decimal("16.00"))
    result = assign_customer_task(convert.pk, shop.merchant.pk)
    assert result[str(shop.merchant.pk)] == regular_name
    assert customer_segment_name(customer_id=convert.pk, merchant_id=shop.merchant.pk) == regular_name


def test_assignment_uses_the_runs_scaling_and_centroids(trained):
    shop = trained.shop_a
    run = current_run(merchant_id=shop.merchant.pk)
    membership = customer_segment_assign(customer_id=shop.regulars[1].pk, merchant_id=shop.merchant.pk)
    stored = run.segments.get(memberships__customer=shop.regulars[2])
    assert membership.segment == stored
    assert np.isfinite(np.array(run.params["scaler_scale"])).all()


def test_nothing_to_do_without_a_segmentation_or_a_purchase(merchant_a):
    customer = factories.CustomerFactory()
    assert customer_segment_assign(customer_id=customer.pk, merchant_id=merchant_a.pk) is None
    assert assign_customer_task(customer.pk, merchant_a.pk) == {str(merchant_a.pk): None, "platform": None}


def test_a_cancelled_order_triggers_reassignment(trained, staff_a, django_capture_on_commit_callbacks):
    from apps.orders.services import order_transition

    shop = trained.shop_a
    locket = shop.merchant.products.get(title="A Engraved Locket")
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = _order(staff_a, shop.merchant, locket, number="ORD-990002", customer="NEW-CANCEL", price="190.00")
    run = current_run(merchant_id=shop.merchant.pk)
    assert CustomerSegment.objects.filter(run=run, customer=order.customer, segment__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(actor=staff_a, order=order, status="cancelled")
    # The only order no longer counts: the customer is a prospect again, in no segment.
    membership = CustomerSegment.objects.get(run=run, customer=order.customer)
    assert membership.rfm_group == "Prospects" and membership.segment is None and membership.frequency == 0
