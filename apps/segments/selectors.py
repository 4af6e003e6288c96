"""Reads: the frames a segmentation is computed from, and tenant-scoped reads of its results.

Interface other capabilities rely on (analytics dashboards, alert recommendations):
    segment_membership(merchant_id=...)    customer pk -> behavioural segment name
    customer_segment_name(customer_id=..., merchant_id=...)
Both read the current segmentation (the scope's latest succeeded run); merchant_id None means
the platform-wide one. "The" segment name is the behavioural clustering's persona-derived name
("Gift buyers"); the RFM group of each customer is kept beside it (CustomerSegment.rfm_group).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from django.db.models import Count, QuerySet

from apps.core.tenancy import merchant_ids_for_user, scope_for_user, sees_all_merchants
from apps.customers.models import Customer, MerchantCustomer
from apps.events.models import Event
from apps.orders.models import Order, OrderItem, OrderStatus
from apps.reviews.models import Review
from apps.segments.models import CustomerSegment, Segment, SegmentationRun
from ml.segments.rfm import RFM_GROUPS

if TYPE_CHECKING:
    from apps.accounts.models import User

NOT_PURCHASES = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
"""Orders in these states bought nothing; every other placed order counts as a purchase."""


def current_run(*, merchant_id: int | None) -> SegmentationRun | None:
    """The scope's latest succeeded segmentation, or None when it has never been segmented."""
    return (
        SegmentationRun.objects.filter(merchant_id=merchant_id, status=SegmentationRun.Status.SUCCEEDED)
        .order_by("-created_at", "-id")
        .first()
    )


def previous_run(*, run: SegmentationRun) -> SegmentationRun | None:
    """The succeeded run of the same scope just before `run` (the baseline of its trends)."""
    return (
        SegmentationRun.objects.filter(
            merchant_id=run.merchant_id, status=SegmentationRun.Status.SUCCEEDED, created_at__lt=run.created_at
        )
        .order_by("-created_at", "-id")
        .first()
    )


def segment_membership(*, merchant_id: int | None) -> dict[int, str]:
    """Customer pk -> segment name in the current segmentation of the scope; {} when there is none.

    Prospects (linked customers without an order) have no behavioural segment and are absent.
    """
    run = current_run(merchant_id=merchant_id)
    if run is None:
        return {}
    return dict(CustomerSegment.objects.filter(run=run, segment__isnull=False).values_list("customer_id", "segment__name"))


def customer_segment_name(*, customer_id: int, merchant_id: int | None) -> str | None:
    """The customer's segment name in the scope's current segmentation, or None."""
    run = current_run(merchant_id=merchant_id)
    if run is None:
        return None
    return (
        CustomerSegment.objects.filter(run=run, customer_id=customer_id, segment__isnull=False)
        .values_list("segment__name", flat=True)
        .first()
    )


# --- frames a segmentation is computed from (one scope: a merchant, or every merchant) ---


def _orders(merchant_id: int | None, customer_id: int | None = None) -> QuerySet[Order]:
    orders = Order.objects.exclude(status__in=NOT_PURCHASES)
    if merchant_id is not None:
        orders = orders.filter(merchant_id=merchant_id)
    return orders.filter(customer_id=customer_id) if customer_id is not None else orders


def scope_frames(*, merchant_id: int | None, customer_id: int | None = None) -> dict[str, pd.DataFrame]:
    """orders, items, events, reviews and prospects frames of a scope (optionally one customer's)."""
    orders = pd.DataFrame.from_records(
        _orders(merchant_id, customer_id).values_list("id", "customer_id", "placed_at", "total"),
        columns=["order_id", "customer_id", "placed_at", "total"],
    )
    items = pd.DataFrame.from_records(
        OrderItem.objects.filter(order__in=_orders(merchant_id, customer_id)).values_list(
            "order_id", "product_id", "title", "product__category__name", "quantity", "unit_price", "product__price"
        ),
        columns=["order_id", "product_id", "title", "category", "quantity", "unit_price", "list_price"],
    )
    events = Event.objects.filter(customer__isnull=False).exclude(session_id="")
    reviews = Review.objects.filter(customer__isnull=False)
    if merchant_id is not None:
        events, reviews = events.filter(merchant_id=merchant_id), reviews.filter(merchant_id=merchant_id)
    if customer_id is not None:
        events, reviews = events.filter(customer_id=customer_id), reviews.filter(customer_id=customer_id)
    frames = {
        "orders": orders.astype({"total": float}) if not orders.empty else orders,
        "items": items.astype({"unit_price": float, "list_price": float}) if not items.empty else items,
        "events": pd.DataFrame.from_records(
            events.values_list("customer_id", "session_id", "type"), columns=["customer_id", "session_id", "type"]
        ),
        "reviews": pd.DataFrame.from_records(reviews.values_list("customer_id", "rating"), columns=["customer_id", "rating"]),
    }
    if not frames["orders"].empty:
        frames["orders"]["placed_at"] = pd.to_datetime(frames["orders"]["placed_at"], utc=True)
    return frames


def scope_customer_ids(*, merchant_id: int | None) -> list[int]:
    """Every customer of the scope, buyers or not (prospects are the ones without purchases)."""
    if merchant_id is None:
        return list(Customer.objects.values_list("pk", flat=True))
    return list(MerchantCustomer.objects.filter(merchant_id=merchant_id).values_list("customer_id", flat=True))


def segmented_merchants() -> list[int]:
    """Merchants with at least one segmentation run."""
    return sorted(set(SegmentationRun.objects.filter(merchant__isnull=False).values_list("merchant_id", flat=True)))


def merchants_with_orders() -> list[int]:
    return sorted(set(Order.objects.values_list("merchant_id", flat=True).distinct()))


# --- tenant-scoped reads for pages and the API ---


def current_runs(*, user: User, merchant_id: int | None = None, platform: bool = False) -> list[SegmentationRun]:
    """The current run of each scope the user may read, narrowed to one merchant or to platform-wide."""
    if platform:
        run = current_run(merchant_id=None) if sees_all_merchants(user) else None
        return [run] if run else []
    ids = merchant_ids_for_user(user)
    if merchant_id is not None:
        if ids is not None and merchant_id not in ids:
            return []
        ids = [merchant_id]
    scopes = ids if ids is not None else segmented_merchants()
    runs = [current_run(merchant_id=scope) for scope in scopes]
    return [run for run in runs if run is not None]


def segment_list(*, user: User) -> QuerySet[Segment]:
    """Segments of runs the user may read (any run; callers narrow to current runs)."""
    return scope_for_user(Segment.objects.select_related("run", "run__merchant"), user)


def segment_customers(*, segment: Segment) -> QuerySet[CustomerSegment]:
    return CustomerSegment.objects.filter(segment=segment).select_related("customer").order_by("-monetary", "customer_id")


def customer_memberships(*, user: User, customer: Customer) -> list[CustomerSegment]:
    """The customer's place in each current segmentation the user may read."""
    runs = current_runs(user=user)
    if sees_all_merchants(user):
        platform = current_run(merchant_id=None)
        runs = [*runs, platform] if platform else runs
    return list(
        CustomerSegment.objects.filter(run__in=runs, customer=customer)
        .select_related("run", "run__merchant", "segment")
        .order_by("run__merchant__name")
    )


def segment_trend(*, segment: Segment) -> dict | None:
    """Size and revenue-share change against the same-named segment of the scope's previous run."""
    before = previous_run(run=segment.run)
    if before is None:
        return None
    earlier = Segment.objects.filter(run=before, name=segment.name).first()
    if earlier is None:
        return {"previous_run": before.pk, "new": True}
    return {
        "previous_run": before.pk,
        "new": False,
        "size_change": segment.size - earlier.size,
        "revenue_share_change": segment.stats.get("revenue_share", 0.0) - earlier.stats.get("revenue_share", 0.0),
    }


def rfm_distribution(*, run: SegmentationRun) -> dict[str, int]:
    """Customers per RFM group in a run, every group listed (zero when empty), best first."""
    counts = dict(CustomerSegment.objects.filter(run=run).values_list("rfm_group").annotate(n=Count("id")))
    return {group: counts.get(group, 0) for group in RFM_GROUPS}


def predicted_values(*, run: SegmentationRun) -> list[float]:
    """Every customer's predicted 365-day value in a run (empty without a CLV model)."""
    return list(
        CustomerSegment.objects.filter(run=run, predicted_value_365d__isnull=False).values_list("predicted_value_365d", flat=True)
    )


def latest_attempt(*, merchant_id: int | None) -> SegmentationRun | None:
    """The scope's newest run, failed or not (a failed one says why the scope was not segmented)."""
    return SegmentationRun.objects.filter(merchant_id=merchant_id).order_by("-created_at", "-id").first()
