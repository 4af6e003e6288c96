"""Two small shops with numbers easy to count by hand, and their rollups.

Day D (yesterday, UTC) of each shop: five orders (three that bring revenue, one refunded, one
cancelled), storefront journeys on two devices, three reviews; 40 days earlier one more order,
so the first customer has a cohort of their own and a product sells only in the earlier period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.analytics import rollups
from apps.catalog.models import Category, Product
from apps.customers.models import Customer, link_customers
from apps.merchants.models import Merchant
from tests import factories


@dataclass(frozen=True)
class Shop:
    merchant: Merchant
    day: date
    earlier: date
    mug: Product
    coaster: Product
    tee: Product
    poster: Product
    customers: list[Customer]


def at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC) + timedelta(hours=hour)


def build_shop(merchant: Merchant, *, name: str) -> Shop:
    day = timezone.now().astimezone(UTC).date() - timedelta(days=1)
    earlier = day - timedelta(days=40)
    mugs, coasters = Category.ensure_path("Home > Mugs"), Category.ensure_path("Home > Coasters")
    tees, posters = Category.ensure_path("Apparel > Tees"), Category.ensure_path("Wall Art > Posters")

    def product(title: str, price: str, category: Category) -> Product:
        return factories.ProductFactory(merchant=merchant, title=f"{name} {title}", price=Decimal(price), category=category)

    mug, coaster = product("Mug", "12.00", mugs), product("Coaster", "5.00", coasters)
    tee, poster = product("Tee", "20.00", tees), product("Poster", "8.00", posters)
    customers = [factories.CustomerFactory(external_id=f"{name}-C{n}") for n in range(1, 4)]
    link_customers({(merchant.pk, c.pk) for c in customers})
    c1, c2, c3 = customers

    def order(customer: Customer, status: str, when: datetime, lines: list[tuple[Product, int]]) -> None:
        total = sum((p.price * q for p, q in lines), Decimal("0"))
        placed = factories.OrderFactory(
            merchant=merchant, customer=customer, status=status, subtotal=total, shipping=0, total=total, placed_at=when
        )
        for p, q in lines:
            factories.OrderItemFactory(order=placed, product=p, title=p.title, quantity=q, unit_price=p.price)

    order(c1, "paid", at(day, 10), [(mug, 2), (coaster, 1)])  # 29
    order(c2, "delivered", at(day, 11), [(mug, 1), (coaster, 2)])  # 22
    order(c3, "paid", at(day, 12), [(tee, 1)])  # 20
    order(c1, "refunded", at(day, 13), [(tee, 1)])  # 20, refunded
    order(c2, "cancelled", at(day, 14), [(mug, 1)])  # 12, cancelled
    order(c1, "delivered", at(earlier, 9), [(mug, 1), (poster, 1)])  # 20, forty days before

    def event(kind: str, when: datetime, item: Product, device: str, customer: Customer | None = None, anon: str = ""):
        factories.EventFactory(
            merchant=merchant, customer=customer, anonymous_id=anon, session_id=f"{name}-{anon or customer.pk}",
            type=kind, product=item, timestamp=when, properties={"device": device},
        )

    for kind, minute in (("view", 0), ("add_to_cart", 5), ("checkout", 10), ("purchase", 15)):
        event(kind, at(day, 10 + minute / 60), mug, "mobile", c1)
    event("view", at(day, 11), coaster, "desktop", c2)
    event("add_to_cart", at(day, 11.2), coaster, "desktop", c2)
    event("view", at(day, 12), tee, "mobile", c3)
    event("view", at(day, 13), mug, "mobile", anon=f"{name}-anon")
    event("add_to_cart", at(day, 13 + 23), mug, "mobile", anon=f"{name}-anon")  # 23 hours later
    for rating in (5, 4, 1):
        factories.ReviewFactory(merchant=merchant, product=mug, customer=c1, rating=rating, created_at=at(day, 15))
    return Shop(merchant, day, earlier, mug, coaster, tee, poster, customers)


SEGMENTS = {0: "loyal", 1: "new", 2: "new"}


@pytest.fixture
def segmented(monkeypatch):
    """Customers 1 of each shop are "loyal", 2 and 3 "new" (as a segmentation run would say)."""

    def memberships(merchant_ids):
        by_merchant = {}
        for merchant_id in merchant_ids:
            customers = Customer.objects.filter(merchant_links__merchant_id=merchant_id).order_by("external_id")
            by_merchant[merchant_id] = {c.pk: SEGMENTS[n] for n, c in enumerate(customers)}
        return by_merchant

    monkeypatch.setattr(rollups, "segment_memberships", memberships)


@pytest.fixture
def shop_a(merchant_a) -> Shop:
    return build_shop(merchant_a, name="Alpha")


@pytest.fixture
def shop_b(merchant_b) -> Shop:
    return build_shop(merchant_b, name="Bravo")


@pytest.fixture
def built(shop_a, shop_b, segmented) -> tuple[Shop, Shop]:
    rollups.rollups_rebuild()
    return shop_a, shop_b
