"""Planting abuse into a test database: rings, busy honest shops, scalper groups (plain functions)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.abuse.models import Ring, RingMember, ScalpingFlag
from apps.customers.models import Customer, link_customers
from apps.merchants.models import Merchant
from tests import factories


def _order(merchant: Merchant, customer: Customer, *, product, card: str, device: str, ip: str, at, quantity: int = 1):
    order = factories.OrderFactory(merchant=merchant, customer=customer, status="paid", placed_at=at)
    factories.OrderItemFactory(order=order, product=product, quantity=quantity, unit_price=product.price)
    payment = factories.PaymentFactory(
        merchant=merchant, customer=customer, order=order, card_fingerprint=card, device_id=device, ip_address=ip, timestamp=at
    )
    link_customers({(merchant.pk, customer.pk)})
    return order, payment


def plant_ring(merchant: Merchant, *, name: str = "RING", buyers: int = 3, orders_each: int = 4) -> list[Customer]:
    """Buyers sharing one card and one device, ordering again and again and reviewing 5 stars."""
    product = factories.ProductFactory(merchant=merchant, customisable=True, stock=200)
    now = timezone.now()
    members = [factories.CustomerFactory(external_id=f"C-{name}-{i}") for i in range(buyers)]
    for i, customer in enumerate(members):
        for n in range(orders_each):
            at = now - timedelta(days=2 + 3 * n + i)
            _order(merchant, customer, product=product, card=f"card-{name}", device=f"dev-{name}", ip=f"10.1.{i}.{n}", at=at)
            factories.ReviewFactory(merchant=merchant, product=product, customer=customer, rating=5, created_at=at)
    return members


def busy_shop(merchant: Merchant, *, buyers: int = 30, name: str = "BUSY") -> list[Customer]:
    """An honest, busy shop: many buyers, each with their own card and device, some repeat orders
    and mostly good reviews; they all come through one NAT address."""
    product = factories.ProductFactory(merchant=merchant, customisable=True, stock=500)
    now = timezone.now()
    customers = []
    for i in range(buyers):
        customer = factories.CustomerFactory(external_id=f"C-{name}-{i}")
        customers.append(customer)
        for n in range(1 + i % 3):
            at = now - timedelta(days=1 + i + n)
            card, device = f"card-{name}-{i}", f"dev-{name}-{i}"
            _order(merchant, customer, product=product, card=card, device=device, ip="81.2.69.142", at=at)
        factories.ReviewFactory(merchant=merchant, product=product, customer=customer, rating=5 if i % 2 else 4)
    return customers


def plant_scalpers(merchant: Merchant, *, accounts: int = 3, units: int = 2, name: str = "SCALP"):
    """Accounts sharing a card (and a device) each buying `units` of a limited-edition drop within hours.
    Returns the product, the accounts and their payments."""
    product = factories.ProductFactory(
        merchant=merchant, customisable=False, stock=0, price=Decimal("49.00"), attributes={"limited_edition": True},
        title=f"{name} Limited Drop",
    )
    now = timezone.now()
    customers, payments = [], []
    for i in range(accounts):
        customer = factories.CustomerFactory(external_id=f"C-{name}-{i}")
        _, payment = _order(
            merchant, customer, product=product, card=f"card-{name}", device=f"dev-{name}", ip=f"10.9.0.{i}",
            at=now - timedelta(hours=20 - i), quantity=units,
        )
        customers.append(customer)
        payments.append(payment)
    return product, customers, payments


def make_ring(merchant: Merchant, customer: Customer, *, score: float = 0.8) -> Ring:
    """A stored ring of `customer` at `merchant` (for page and API tests that need no detection run)."""
    now = timezone.now()
    buyer = f"buyer:{customer.pk}"
    ring = Ring.objects.create(
        merchant=merchant,
        key=f"{merchant.pk}-{customer.pk}-{Ring.objects.count()}",
        score=score,
        reasons=["2 buyers share 1 card"],
        features={"orders": 6.0, "five_star_reviews": 5.0, "order_share": 0.5, "five_star_share": 0.8},
        nodes=[
            {"id": buyer, "kind": "buyer", "label": customer.external_id},
            {"id": f"seller:{merchant.pk}", "kind": "seller", "label": merchant.name},
            {"id": "card:c1", "kind": "card", "label": "c1"},
        ],
        edges=[
            {"source": buyer, "target": f"seller:{merchant.pk}", "kind": "orders", "weight": 6},
            {"source": buyer, "target": "card:c1", "kind": "card", "weight": 1},
        ],
        buyers=1,
        first_seen_at=now,
        last_seen_at=now,
    )
    RingMember.objects.create(ring=ring, kind="buyer", customer=customer, value=str(customer.pk))
    RingMember.objects.create(ring=ring, kind="card", value="c1")
    return ring


def make_scalping_flag(merchant: Merchant, *, customer: Customer | None = None) -> ScalpingFlag:
    """A stored flag of one limited product of `merchant` (for list and route tests)."""
    now = timezone.now()
    product = factories.ProductFactory(merchant=merchant, customisable=False, stock=0, attributes={"limited_edition": True})
    customer = customer or factories.CustomerFactory()
    link_customers({(merchant.pk, customer.pk)})
    flag = ScalpingFlag.objects.create(
        merchant=merchant,
        key=f"{product.pk}:{ScalpingFlag.objects.count()}",
        product=product,
        accounts=2,
        units=6,
        window_start=now - timedelta(hours=5),
        window_end=now,
        score=0.7,
        source="rules",
        reasons=["6 units of a limited item bought by 2 linked accounts"],
        features={"units": 6.0},
        account_units={str(customer.pk): 4},
        detected_at=now,
    )
    flag.customers.set([customer])
    return flag
