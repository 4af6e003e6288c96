"""A merchant with two months of plausible sales and storefront sessions, for browser tests."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.catalog.models import Category, Product
from apps.customers.models import Customer, link_customers
from apps.events.models import Event
from apps.merchants.models import Merchant
from apps.orders.models import Order, OrderItem, OrderStatus

CATALOG = {
    "Home > Drinkware > Mugs": [("Personalised Name Mug", "14.99"), ("Photo Travel Mug", "21.50")],
    "Home > Wall Art > Posters": [("Custom Star Map Poster", "34.00"), ("Pet Portrait Print", "45.00")],
    "Apparel > T-Shirts": [("Embroidered Initial Tee", "24.00"), ("Family Reunion Tee", "18.00")],
    "Stationery > Notebooks": [("Monogram Leather Notebook", "29.00")],
    "Gifts > Keyrings": [("Engraved Wooden Keyring", "9.50"), ("Birthstone Keyring", "12.00")],
}
STATUSES = [OrderStatus.DELIVERED] * 6 + [OrderStatus.SHIPPED, OrderStatus.PAID, OrderStatus.CANCELLED]


def build_sales_history(merchant: Merchant, *, days: int = 60, seed: int = 7) -> list[Product]:
    """Products, customers, orders with items, and view -> purchase sessions over `days` days."""
    rng = random.Random(seed)
    now = timezone.now()
    products = []
    for path, items in CATALOG.items():
        category = Category.ensure_path(path)
        for title, price in items:
            products.append(
                Product.objects.create(
                    merchant=merchant,
                    external_id=f"{merchant.external_id}-{len(products):03d}",
                    title=title,
                    price=Decimal(price),
                    category=category,
                    customisable=True,
                    stock=rng.randint(0, 80),
                    attributes={"material": rng.choice(["ceramic", "cotton", "oak", "paper"])},
                )
            )
    customers = Customer.objects.bulk_create(
        [
            Customer(external_id=f"{merchant.external_id}-C{n:04d}", email=f"shopper{n}@example.test", name=f"Shopper {n}")
            for n in range(80)
        ]
    )
    link_customers({(merchant.id, c.id) for c in customers})
    orders, items, events = [], [], []
    for day in range(days):
        base = now - timedelta(days=day, hours=rng.randint(0, 12))
        trend = 1 + (days - day) / days  # business grows towards today
        for n in range(int(rng.randint(2, 6) * trend)):
            chosen = rng.sample(products, rng.randint(1, 2))
            lines = [(p, rng.randint(1, 3)) for p in chosen]
            subtotal = sum(p.price * q for p, q in lines)
            order = Order(
                merchant=merchant,
                customer=rng.choice(customers),
                number=f"ORD-{day:03d}{n:03d}{merchant.pk}",
                status=rng.choice(STATUSES),
                subtotal=subtotal,
                shipping=Decimal("4.95"),
                total=subtotal + Decimal("4.95"),
                placed_at=base - timedelta(minutes=n * 7),
            )
            orders.append(order)
            items.extend(OrderItem(order=order, product=p, title=p.title, quantity=q, unit_price=p.price) for p, q in lines)
        for s in range(int(rng.randint(25, 40) * trend)):
            session, product = f"{merchant.pk}-{day}-{s}", rng.choice(products)
            depth = rng.choices([1, 2, 3, 4], weights=[55, 20, 10, 15])[0]
            for step, kind in enumerate(["view", "add_to_cart", "checkout", "purchase"][:depth]):
                events.append(
                    Event(
                        external_id=f"E-{session}-{step}",
                        merchant=merchant,
                        session_id=session,
                        type=kind,
                        product=product,
                        timestamp=base + timedelta(minutes=step),
                    )
                )
    Order.objects.bulk_create(orders)
    OrderItem.objects.bulk_create(items)
    Event.objects.bulk_create(events)
    return products


@pytest.fixture
def sales_history(merchant_a) -> list[Product]:
    return build_sales_history(merchant_a)
