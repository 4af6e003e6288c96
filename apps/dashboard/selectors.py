"""Aggregates behind the dashboard, always inside the user's tenancy scope.

Revenue counts orders that were placed and not undone: cancelled and refunded orders brought
no money, so they are left out of revenue, order counts, average order value and the top lists.
Conversion comes from storefront sessions: of the sessions that viewed a product, the share
that purchased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncDate

from apps.core.tenancy import scope_for_user
from apps.events.models import Event, EventType
from apps.orders.models import Order, OrderItem, OrderStatus

if TYPE_CHECKING:
    from apps.accounts.models import User

NON_REVENUE_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
FUNNEL_STAGES = (EventType.VIEW, EventType.ADD_TO_CART, EventType.CHECKOUT, EventType.PURCHASE)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive

    @classmethod
    def last_days(cls, *, now: datetime, days: int) -> tuple[Period, Period]:
        """The `days` up to now, and the same number of days before them."""
        current = cls(start=now - timedelta(days=days), end=now)
        return current, cls(start=current.start - timedelta(days=days), end=current.start)


@dataclass(frozen=True)
class SalesTotals:
    revenue: Decimal
    orders: int
    customers: int

    @property
    def average_order_value(self) -> Decimal:
        return (self.revenue / self.orders).quantize(ZERO) if self.orders else ZERO


@dataclass(frozen=True)
class Kpi:
    label: str
    value: Decimal | int | float
    previous: Decimal | int | float
    unit: str = ""  # "money", "percent" or "" (a count): how the card formats the value

    @property
    def change_pct(self) -> float | None:
        """Change against the previous period in percent; None when there is nothing to compare with."""
        if not self.previous:
            return None
        return round(100 * (float(self.value) - float(self.previous)) / float(self.previous), 1)


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    sessions: int


@dataclass(frozen=True)
class DailySales:
    day: date
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class RevenueShare:
    label: str
    revenue: Decimal
    units: int


def _revenue_orders(*, user: User, period: Period, merchant: str | None) -> QuerySet[Order]:
    orders = scope_for_user(Order.objects.all(), user).filter(placed_at__gte=period.start, placed_at__lt=period.end)
    if merchant:
        orders = orders.filter(merchant__slug=merchant)
    return orders.exclude(status__in=NON_REVENUE_STATUSES)


def _revenue_items(*, user: User, period: Period, merchant: str | None) -> QuerySet[OrderItem]:
    items = scope_for_user(OrderItem.objects.all(), user).filter(
        order__placed_at__gte=period.start, order__placed_at__lt=period.end
    )
    if merchant:
        items = items.filter(order__merchant__slug=merchant)
    return items.exclude(order__status__in=NON_REVENUE_STATUSES)


_LINE_TOTAL = ExpressionWrapper(F("unit_price") * F("quantity"), output_field=DecimalField(max_digits=14, decimal_places=2))


def sales_totals(*, user: User, period: Period, merchant: str | None = None) -> SalesTotals:
    totals = _revenue_orders(user=user, period=period, merchant=merchant).aggregate(
        revenue=Sum("total"), orders=Count("id"), customers=Count("customer", distinct=True)
    )
    return SalesTotals(revenue=totals["revenue"] or ZERO, orders=totals["orders"], customers=totals["customers"])


def funnel(*, user: User, period: Period, merchant: str | None = None) -> list[FunnelStage]:
    """Distinct sessions reaching each stage (events without a session cannot be followed, so are skipped)."""
    events = scope_for_user(Event.objects.all(), user).filter(
        timestamp__gte=period.start, timestamp__lt=period.end, type__in=FUNNEL_STAGES
    )
    if merchant:
        events = events.filter(merchant__slug=merchant)
    counts = dict(
        events.exclude(session_id="").values("type").annotate(n=Count("session_id", distinct=True)).values_list("type", "n")
    )
    return [FunnelStage(stage=stage, sessions=counts.get(stage, 0)) for stage in FUNNEL_STAGES]


def conversion_rate(stages: list[FunnelStage]) -> float:
    """Purchasing sessions as a percentage of viewing sessions (0 when nothing was viewed)."""
    by_stage = {s.stage: s.sessions for s in stages}
    views = by_stage.get(EventType.VIEW, 0)
    return round(100 * by_stage.get(EventType.PURCHASE, 0) / views, 2) if views else 0.0


def kpis(
    *, current: SalesTotals, previous: SalesTotals, current_funnel: list[FunnelStage], previous_funnel: list[FunnelStage]
) -> list[Kpi]:
    return [
        Kpi("Revenue", current.revenue, previous.revenue, unit="money"),
        Kpi("Orders", current.orders, previous.orders),
        Kpi("Average order value", current.average_order_value, previous.average_order_value, unit="money"),
        Kpi("Customers", current.customers, previous.customers),
        Kpi("Conversion rate", conversion_rate(current_funnel), conversion_rate(previous_funnel), unit="percent"),
    ]


def daily_sales(*, user: User, period: Period, merchant: str | None = None) -> list[DailySales]:
    """One row per calendar day of the period, zero-filled, so the chart has no misleading gaps."""
    rows = (
        _revenue_orders(user=user, period=period, merchant=merchant)
        .annotate(day=TruncDate("placed_at"))
        .order_by()
        .values("day")
        .annotate(revenue=Sum("total"), orders=Count("id"))
    )
    by_day = {row["day"]: DailySales(day=row["day"], revenue=row["revenue"], orders=row["orders"]) for row in rows}
    first, last = period.start.date(), period.end.date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [by_day.get(day, DailySales(day=day, revenue=ZERO, orders=0)) for day in days]


def top_categories(*, user: User, period: Period, merchant: str | None = None, limit: int = 8) -> list[RevenueShare]:
    rows = (
        _revenue_items(user=user, period=period, merchant=merchant)
        .filter(product__category__isnull=False)
        .values("product__category__path")
        .annotate(revenue=Sum(_LINE_TOTAL), units=Sum("quantity"))
        .order_by("-revenue", "product__category__path")[:limit]
    )
    return [RevenueShare(label=r["product__category__path"], revenue=r["revenue"], units=r["units"]) for r in rows]


def top_products(*, user: User, period: Period, merchant: str | None = None, limit: int = 10) -> list[RevenueShare]:
    """Grouped by the item title at order time, so deleted products still count."""
    rows = (
        _revenue_items(user=user, period=period, merchant=merchant)
        .values("title")
        .annotate(revenue=Sum(_LINE_TOTAL), units=Sum("quantity"))
        .order_by("-revenue", "title")[:limit]
    )
    return [RevenueShare(label=r["title"], revenue=r["revenue"], units=r["units"]) for r in rows]


@dataclass(frozen=True)
class Overview:
    period: Period
    kpis: list[Kpi]
    daily: list[DailySales]
    funnel: list[FunnelStage]
    categories: list[RevenueShare]
    products: list[RevenueShare]


def dashboard_overview(*, user: User, now: datetime, days: int = 30, merchant: str | None = None) -> Overview:
    """Everything the dashboard shows for the last `days`, compared with the `days` before."""
    current, previous = Period.last_days(now=now, days=days)
    current_funnel = funnel(user=user, period=current, merchant=merchant)
    return Overview(
        period=current,
        kpis=kpis(
            current=sales_totals(user=user, period=current, merchant=merchant),
            previous=sales_totals(user=user, period=previous, merchant=merchant),
            current_funnel=current_funnel,
            previous_funnel=funnel(user=user, period=previous, merchant=merchant),
        ),
        daily=daily_sales(user=user, period=current, merchant=merchant),
        funnel=current_funnel,
        categories=top_categories(user=user, period=current, merchant=merchant),
        products=top_products(user=user, period=current, merchant=merchant),
    )
