"""Reads the demo commands need: is the catalog empty, and which rows the demo logins attach to."""
from __future__ import annotations

from django.db.models import Count

from apps.catalog.models import Product
from apps.customers.models import Customer
from apps.merchants.models import Merchant

OWNED_MERCHANTS = 2


def catalog_product_count() -> int:
    return Product.objects.count()


def demo_owner_merchants() -> list[Merchant]:
    """The merchants that get an owner login: the first ones created (seed_demo creates Mugs & More first)."""
    return list(Merchant.objects.order_by("id")[:OWNED_MERCHANTS])


def demo_shopper_customer(*, username: str) -> Customer | None:
    """The customer the shopper login sees as itself: the one already linked, else the busiest unlinked buyer
    that no detector suspects (the busiest buyers of the demo include its planted collusion ring)."""
    linked = Customer.objects.filter(user__username=username).first()
    if linked is not None:
        return linked
    return (
        Customer.objects.filter(user__isnull=True)
        .exclude(risk_scores__band__in=["high", "medium"])
        .annotate(order_count=Count("orders"))
        .order_by("-order_count", "id")
        .first()
    )
