"""What the portal's detail pages show around one object, built on the apps' scoped selectors.

The object itself was already fetched through its selector (so it is inside the user's scope);
its related rows are read through the list selectors too, so a platform-wide customer shows a
merchant only that merchant's orders, events and reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, QuerySet, Sum

from apps.core.models import AuditLog
from apps.core.tenancy import scope_for_user
from apps.customers.models import Customer
from apps.events.models import EventType
from apps.events.selectors import event_list
from apps.orders.models import ALLOWED_TRANSITIONS, Order, OrderItem
from apps.orders.selectors import order_list
from apps.reviews.models import Review
from apps.reviews.selectors import review_list

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.catalog.models import Product

RECENT = 10


@dataclass(frozen=True)
class ProductActivity:
    recent_orders: list[Order]
    recent_reviews: list[Review]
    review_count: int
    rating_average: float | None
    units_ordered: int


@dataclass(frozen=True)
class CustomerActivity:
    recent_orders: list[Order]
    order_count: int
    total_spent: Decimal
    event_counts: list[tuple[str, int]]
    recent_reviews: list[Review]


def product_activity(*, user: User, product: Product) -> ProductActivity:
    orders = order_list(user=user).filter(items__product=product).distinct()
    reviews: QuerySet[Review] = review_list(user=user, filters={"product": product.external_id})
    ratings = reviews.aggregate(count=Count("id"), average=Avg("rating"))
    units = scope_for_user(OrderItem.objects.filter(product=product), user).aggregate(units=Sum("quantity"))["units"]
    return ProductActivity(
        recent_orders=list(orders[:RECENT]),
        recent_reviews=list(reviews[:RECENT]),
        review_count=ratings["count"],
        rating_average=round(ratings["average"], 2) if ratings["average"] is not None else None,
        units_ordered=units or 0,
    )


def customer_activity(*, user: User, customer: Customer) -> CustomerActivity:
    orders = order_list(user=user, filters={"customer": customer.external_id})
    totals = orders.aggregate(count=Count("id"), spent=Sum("total"))
    events = (
        event_list(user=user, filters={"customer": customer.external_id})
        .values("type")
        .annotate(n=Count("id"))
        .order_by("-n", "type")
    )
    return CustomerActivity(
        recent_orders=list(orders[:RECENT]),
        order_count=totals["count"],
        total_spent=totals["spent"] or Decimal("0.00"),
        event_counts=[(EventType(row["type"]).label, row["n"]) for row in events],
        recent_reviews=list(review_list(user=user).filter(customer=customer)[:RECENT]),
    )


def order_status_history(*, order: Order) -> QuerySet[AuditLog]:
    """Status changes recorded by the order service's audit trail, oldest first."""
    return AuditLog.objects.filter(object_type=Order._meta.label, object_id=str(order.pk)).select_related("actor").order_by("at")


def next_statuses(order: Order) -> list[str]:
    return sorted(ALLOWED_TRANSITIONS.get(order.status, frozenset()))
