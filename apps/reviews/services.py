"""Writes for reviews: idempotent on (merchant, external id), audited."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from apps.catalog.models import Product
from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.customers.models import link_customers
from apps.customers.services import customers_ensure
from apps.reviews.models import Review

if TYPE_CHECKING:
    from apps.accounts.models import User


def review_create(
    *,
    actor: User,
    product: Product,
    external_id: str,
    rating: int,
    customer_external_id: str = "",
    title: str = "",
    text: str = "",
) -> tuple[Review, bool]:
    """Record a review of `product`; returns (review, created).

    The review's merchant is the product's (so scoping needs no join). Replaying the merchant's
    external id returns the stored review unchanged.
    """
    with transaction.atomic():
        existing = Review.objects.filter(merchant_id=product.merchant_id, external_id=external_id).first()
        if existing is not None:
            return existing, False
        customer_id = None
        if customer_external_id:
            customer_id = customers_ensure(external_ids=[customer_external_id])[customer_external_id]
            link_customers({(product.merchant_id, customer_id)})
        review = Review.objects.create(
            merchant_id=product.merchant_id,
            product=product,
            external_id=external_id,
            customer_id=customer_id,
            rating=rating,
            title=title,
            text=text,
        )
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            instance=review,
            after=snapshot(review),
            summary=f"Recorded review {external_id} of {product.external_id}",
        )
    return review, True
