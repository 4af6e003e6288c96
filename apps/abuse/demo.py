"""Planting the demo's abuse cases: two collusion rings and a scalper group (ml.simulate.abuse).

Every row is keyed by an external id (customers ABUSE-*, orders ORD-91*, payments TX-ABUSE-*,
reviews ABUSE-*), written with get_or_create from a fixed seed, so running it twice adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Product
from apps.customers.models import Customer, link_customers
from apps.merchants.models import Merchant
from apps.orders.models import Order, OrderItem, OrderStatus, Payment
from apps.reviews.models import Review
from ml.simulate.abuse import ring_activity, scalper_activity

RING_SHOPS = ("mugs-and-more", "paper-trail-studio")
SCALPED_SHOP = "print-palace"
ORDER_BASE = 9_100_000
DROP_EXTERNAL_ID = "ABUSE-DROP-1"


@dataclass(frozen=True)
class Planted:
    rings: int
    scalper_accounts: int
    orders_created: int


def _shops() -> list[Merchant]:
    """The demo shops by slug, or (on other data) the first three merchants."""
    wanted = [*RING_SHOPS, SCALPED_SHOP]
    found = {m.slug: m for m in Merchant.objects.filter(slug__in=wanted)}
    if len(found) == len(wanted):
        return [found[slug] for slug in wanted]
    fallback = list(Merchant.objects.order_by("pk")[:3])
    if len(fallback) < 3:
        raise ValueError("seed the demo marketplace first (manage.py seed_demo): abuse cases need three merchants")
    return fallback


class _Writer:
    def __init__(self) -> None:
        self.order_number = ORDER_BASE
        self.created = 0

    def customer(self, external_id: str, merchant: Merchant) -> Customer:
        customer, _ = Customer.objects.get_or_create(
            external_id=external_id,
            defaults={"email": f"{external_id.lower()}@example.test", "name": external_id.title(), "country": "GB"},
        )
        link_customers({(merchant.pk, customer.pk)})
        return customer

    def order(self, *, merchant: Merchant, customer: Customer, product: Product, row, quantity: int = 1) -> Order:
        self.order_number += 1
        total = product.price * quantity
        placed_at: datetime = row.placed_at
        order, created = Order.objects.get_or_create(
            number=f"ORD-{self.order_number}",
            defaults={
                "merchant": merchant, "customer": customer, "status": OrderStatus.DELIVERED, "subtotal": total,
                "total": total, "placed_at": placed_at, "created_at": placed_at,
            },
        )
        if created:
            self.created += 1
            OrderItem.objects.create(
                order=order, product=product, title=product.title, quantity=quantity, unit_price=product.price
            )
            Payment.objects.create(
                merchant=merchant, transaction_id=f"TX-ABUSE-{self.order_number}", order=order, customer=customer, amount=total,
                card_fingerprint=row.card_fingerprint, device_id=row.device_id, ip_address=row.ip_address, country="GB",
                timestamp=placed_at, created_at=placed_at,
            )
        return order


def abuse_cases_plant(*, seed: int = 11, now: datetime | None = None) -> Planted:
    """Plant the rings and the scalper group into the demo data (idempotent)."""
    now = now or timezone.now()
    rng = np.random.default_rng(seed)
    *ring_shops, scalped = _shops()
    writer = _Writer()
    with transaction.atomic():
        for ring, (shop, size, pattern) in enumerate(zip(ring_shops, (4, 3), ("both", "device"), strict=True), start=1):
            products = list(Product.objects.filter(merchant=shop, active=True).order_by("pk")[:5])
            if not products:
                raise ValueError(f"{shop.slug} has no products to order")
            activity = ring_activity(
                rng, size=size, orders_per_buyer=(4, 7), start=now - timedelta(days=60), days=55, pattern=pattern
            )
            for index, row in enumerate(activity.itertuples(index=False)):
                customer = writer.customer(f"ABUSE-RING{ring}-{row.account + 1}", shop)
                product = products[index % len(products)]
                writer.order(merchant=shop, customer=customer, product=product, row=row)
                if not pd.isna(row.rating):
                    Review.objects.get_or_create(
                        merchant=shop, external_id=f"ABUSE-R{ring}-{index}",
                        defaults={
                            "product": product, "customer": customer, "rating": int(row.rating), "title": "Amazing!!",
                            "text": "Best shop ever, five stars, will buy again.", "created_at": row.placed_at,
                        },
                    )
        drop, _ = Product.objects.get_or_create(
            external_id=DROP_EXTERNAL_ID,
            defaults={
                "merchant": scalped, "title": "Signed Artist Print (limited edition of 50)", "price": Decimal("89.00"),
                "attributes": {"limited_edition": True, "edition_size": 50, "max_per_customer": 2}, "stock": 0,
                "customisable": False,
            },
        )
        accounts = 4
        activity = scalper_activity(rng, accounts=accounts, units_per_account=2, start=now - timedelta(hours=30), hours=10)
        for row in activity.itertuples(index=False):
            customer = writer.customer(f"ABUSE-SCALP-{row.account + 1}", scalped)
            writer.order(merchant=scalped, customer=customer, product=drop, row=row, quantity=int(row.quantity))
    return Planted(rings=len(ring_shops), scalper_accounts=accounts, orders_created=writer.created)
