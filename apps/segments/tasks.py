"""Celery tasks of the segments capability."""

from __future__ import annotations

from celery import shared_task

from apps.segments.services import customer_segment_assign


@shared_task(name="segments.assign_customer", ignore_result=True)
def assign_customer_task(customer_id: int, merchant_id: int) -> dict:
    """Place the customer in the merchant's and the platform-wide current segmentations.

    Idempotent: it recomputes the customer's row from their history, so a repeat changes nothing.
    """
    placed = {}
    for scope in (merchant_id, None):
        membership = customer_segment_assign(customer_id=customer_id, merchant_id=scope)
        placed["platform" if scope is None else str(scope)] = (
            membership.segment.name if membership and membership.segment else None
        )
    return placed
