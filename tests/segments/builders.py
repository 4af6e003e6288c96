"""Shops with planted customer groups, and minimal segmentations for the route registries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from apps.catalog.models import Category
from apps.customers.models import Customer, link_customers
from apps.merchants.models import Merchant
from apps.orders.models import Order, OrderItem
from apps.segments.models import CustomerSegment, Segment, SegmentationRun
from tests import factories


@dataclass(frozen=True)
class PlantedShop:
    merchant: Merchant
    gift_buyers: list[Customer]
    """Rare, big jewellery orders."""
    regulars: list[Customer]
    """Frequent, small mug orders."""
    prospects: list[Customer]
    """Linked to the merchant, never ordered."""


def plant_shop(merchant: Merchant, *, prefix: str, number_base: int, per_group: int = 15, seed: int = 1) -> PlantedShop:
    """Two behaviours a segmentation must tell apart, written in bulk (order numbers ORD-<number_base + n>)."""
    rng = np.random.default_rng(seed)
    now = timezone.now()
    jewellery = factories.ProductFactory(
        merchant=merchant, title=f"{prefix} Engraved Locket", price=Decimal("180.00"), category=Category.ensure_path("Jewellery")
    )
    mug = factories.ProductFactory(
        merchant=merchant, title=f"{prefix} Name Mug", price=Decimal("16.00"), category=Category.ensure_path("Mugs")
    )
    customers = Customer.objects.bulk_create(
        [
            Customer(external_id=f"{prefix}-{kind}-{i}", email=f"{prefix}-{kind}-{i}@shopper.test".lower())
            for kind in ("gift", "reg", "pro")
            for i in range(per_group)
        ]
    )
    gift, regular, prospects = customers[:per_group], customers[per_group : 2 * per_group], customers[2 * per_group :]
    orders: list[tuple[Order, object, int, Decimal]] = []
    number = 0
    for customer in gift:
        for _ in range(int(rng.integers(1, 3))):
            price = Decimal(str(round(float(rng.uniform(160, 220)), 2)))
            number += 1
            placed = now - timedelta(days=float(rng.uniform(5, 60)))
            orders.append(
                (
                    Order(
                        merchant=merchant,
                        customer=customer,
                        number=f"ORD-{number_base + number}",
                        status="paid",
                        subtotal=price,
                        total=price,
                        placed_at=placed,
                    ),
                    jewellery,
                    1,
                    price,
                )
            )
    for customer in regular:
        for _ in range(int(rng.integers(6, 10))):
            price = Decimal(str(round(float(rng.uniform(14, 20)), 2)))
            number += 1
            placed = now - timedelta(days=float(rng.uniform(1, 90)))
            orders.append(
                (
                    Order(
                        merchant=merchant,
                        customer=customer,
                        number=f"ORD-{number_base + number}",
                        status="paid",
                        subtotal=price,
                        total=price,
                        placed_at=placed,
                    ),
                    mug,
                    1,
                    price,
                )
            )
    created = Order.objects.bulk_create([order for order, *_ in orders])
    OrderItem.objects.bulk_create(
        [
            OrderItem(order=order, product=product, title=product.title, quantity=qty, unit_price=price)
            for order, (_, product, qty, price) in zip(created, orders, strict=True)
        ]
    )
    link_customers({(merchant.pk, customer.pk) for customer in customers})
    return PlantedShop(merchant=merchant, gift_buyers=gift, regulars=regular, prospects=prospects)


STATS = {
    "size": 1,
    "size_share": 1.0,
    "revenue": 30.0,
    "revenue_share": 1.0,
    "aov": 30.0,
    "orders_per_customer": 1.0,
    "median_recency_days": 1.0,
    "top_categories": [{"name": "Mugs", "share": 1.0}],
    "top_products": [{"title": "Mug", "quantity": 2}],
    "churn_risk": 0.0,
    "churn_basis": "share in lapsing RFM groups",
    "rfm_groups": {"New": 1},
    "feature_means": {"aov": 30.0},
}


def segment_for(merchant: Merchant | None, customer: Customer, *, name: str = "Regulars", new_run: bool = True) -> Segment:
    """A segment holding `customer`: in a new one-segment run, or (new_run=False) added to the
    scope's current run, so a list of current segments grows (the API registries need both)."""
    current = SegmentationRun.objects.filter(merchant=merchant).order_by("-created_at", "-id").first()
    if current is not None and not new_run:
        key = current.segments.count()
        segment = Segment.objects.create(
            run=current, key=key, name=f"{name} {key}", persona=f"{name}: one customer.", size=1, stats=STATS, centroid=[0.0]
        )
        CustomerSegment.objects.create(
            run=current, customer=customer, segment=segment, rfm_group="New", frequency=1, monetary=30.0
        )
        return segment
    run = SegmentationRun.objects.create(
        merchant=merchant,
        method="kmeans+gmm+hdbscan",
        metrics={"chosen_k": 1, "silhouette_by_k": {}},
        params={"features": ["aov"], "scaler_mean": [0.0], "scaler_scale": [1.0], "rfm_edges": {}},
        clv={"available": False, "reason": "1 customers with orders, at least 500 are needed"},
        customers=1,
    )
    segment = Segment.objects.create(
        run=run, key=0, name=name, persona=f"{name}: one customer.", size=1, stats=STATS, centroid=[0.0]
    )
    CustomerSegment.objects.create(
        run=run,
        customer=customer,
        segment=segment,
        rfm_group="New",
        r_score=5,
        f_score=1,
        m_score=1,
        fm_score=1,
        frequency=1,
        monetary=30.0,
    )
    return segment
