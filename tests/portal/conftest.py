"""One small shop per merchant (product, customer, order with item and payment, review,
storefront events), with names that make each merchant's rows easy to spot in a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Product
from apps.customers.models import Customer, link_customers
from apps.merchants.models import Merchant
from apps.orders.models import Order
from apps.reviews.models import Review
from tests import factories


@dataclass(frozen=True)
class Shop:
    merchant: Merchant
    product: Product
    customer: Customer
    order: Order
    review: Review


def make_shop(merchant: Merchant, *, name: str, number: str) -> Shop:
    now = timezone.now()
    product = factories.ProductFactory(
        merchant=merchant,
        external_id=f"P-{name.upper()}",
        title=f"{name} Engraved Mug",
        category=factories.CategoryFactory(name=f"{name} Mugs"),
        attributes={"colours": ["red", "blue"]},
    )
    customer = factories.CustomerFactory(external_id=f"C-{name.upper()}", email=f"{name.lower()}@shopper.test")
    order = factories.OrderFactory(
        merchant=merchant,
        customer=customer,
        number=number,
        status="paid",
        total=Decimal("30.00"),
        placed_at=now - timedelta(days=1),
    )
    factories.OrderItemFactory(order=order, product=product, title=product.title, quantity=2, unit_price=Decimal("12.50"))
    factories.PaymentFactory(
        merchant=merchant, customer=customer, order=order, amount=order.total, transaction_id=f"TX-{name.upper()}"
    )
    review = factories.ReviewFactory(
        merchant=merchant, product=product, customer=customer, rating=4, title=f"{name} review", external_id=f"R-{name.upper()}"
    )
    for kind in ("view", "purchase"):
        factories.EventFactory(
            merchant=merchant,
            customer=customer,
            product=product,
            type=kind,
            session_id=f"s-{name}",
            timestamp=now - timedelta(days=1),
        )
    link_customers({(merchant.id, customer.id)})
    return Shop(merchant=merchant, product=product, customer=customer, order=order, review=review)


@pytest.fixture
def shop_a(merchant_a) -> Shop:
    return make_shop(merchant_a, name="Alpha", number="ORD-1001")


@pytest.fixture
def shop_b(merchant_b) -> Shop:
    return make_shop(merchant_b, name="Bravo", number="ORD-2002")

