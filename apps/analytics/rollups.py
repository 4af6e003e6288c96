"""Building the daily rollups from orders, events and reviews (writes; the dashboards only read).

Work is cut into batches of one merchant and a range of days. A batch reads its raw rows once
into frames, computes every rollup of those days with the framework-free functions of
ml/analytics, and swaps the old rows for the new ones in one transaction: rebuilding a batch
twice gives the same rows (idempotent), and a reader never sees half a batch.

Funnel journeys look ahead up to the longest conversion window, so a batch reads events up to
that far past its last day, and an incremental refresh rebuilds that far back from a change.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from django.db import models, transaction
from django.db.models import Max, Min
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from apps.analytics.models import (
    CohortActivity,
    DailyCategorySales,
    DailyFunnel,
    DailyMerchantKPI,
    DailyPair,
    DailyProductSales,
    DailySegmentCategory,
    RollupRun,
)
from apps.analytics.segmentation import NO_SEGMENT, segment_memberships
from apps.bots.selectors import exclude_bot_sessions
from apps.events.models import Event
from apps.merchants.models import Merchant
from apps.orders.models import Order, OrderItem, OrderStatus
from apps.reviews.models import Review
from ml.analytics.association import basket_pairs
from ml.analytics.cohorts import cohort_activity
from ml.analytics.funnel import journeys

# Conversion windows the funnel can be read with (the rollups hold one row set per window).
WINDOWS: dict[str, timedelta] = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "7d": timedelta(days=7)}
DEFAULT_WINDOW = "1d"
LOOKAHEAD = max(WINDOWS.values())
BATCH_DAYS = 31
NON_REVENUE = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
CENTS = Decimal("0.01")

ProgressCallback = Callable[[int, int, str], None]
"""(batches done, batches in total, what is being built)"""


@dataclass(frozen=True)
class Batch:
    merchant_id: int
    first: date
    last: date  # inclusive


@dataclass(frozen=True)
class RollupSummary:
    merchant_ids: tuple[int, ...]
    days: int
    batches: int


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2))).quantize(CENTS)


def _days(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].dt.tz_convert(UTC).dt.date


# --- reading raw rows ---------------------------------------------------------------------


def _orders_frame(merchant_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    rows = Order.objects.filter(merchant_id=merchant_id, placed_at__gte=start, placed_at__lt=end).values_list(
        "id", "customer_id", "status", "total", "placed_at"
    )
    frame = pd.DataFrame(list(rows), columns=["order", "customer", "status", "total", "placed_at"])
    frame["placed_at"] = pd.to_datetime(frame["placed_at"], utc=True)
    frame["total"] = frame["total"].astype(float)
    return frame.assign(day=_days(frame, "placed_at"))


def _items_frame(merchant_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    rows = OrderItem.objects.filter(
        order__merchant_id=merchant_id, order__placed_at__gte=start, order__placed_at__lt=end, product__isnull=False
    ).values_list("order_id", "product_id", "product__category_id", "quantity", "unit_price")
    frame = pd.DataFrame(list(rows), columns=["order", "product", "category", "quantity", "unit_price"])
    frame["revenue"] = frame["quantity"].astype(float) * frame["unit_price"].astype(float)
    return frame


def _events_frame(merchant_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    rows = (
        exclude_bot_sessions(Event.objects.filter(merchant_id=merchant_id, timestamp__gte=start, timestamp__lt=end))
        .order_by()
        .annotate(device=KeyTextTransform("device", "properties"))
        .values_list(
            "customer_id", "anonymous_id", "session_id", "type", "timestamp", "product_id", "product__category_id", "device"
        )
    )
    frame = pd.DataFrame(
        list(rows), columns=["customer", "anonymous", "session", "type", "timestamp", "product", "category", "device"]
    )
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    # A visitor is the signed-in customer, else the device's anonymous id, else the session.
    customer = frame["customer"].astype("Int64").astype("string")
    frame["visitor"] = ("c" + customer).fillna("a" + frame["anonymous"].where(frame["anonymous"] != "")).fillna(
        "s" + frame["session"]
    )
    frame["device"] = frame["device"].fillna("").astype(str)
    return frame


def _reviews_frame(merchant_id: int, start: datetime, end: datetime) -> pd.DataFrame:
    rows = Review.objects.filter(merchant_id=merchant_id, created_at__gte=start, created_at__lt=end).values_list(
        "rating", "created_at"
    )
    frame = pd.DataFrame(list(rows), columns=["rating", "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame.assign(day=_days(frame, "created_at"))


# --- computing one batch ------------------------------------------------------------------


def _segment_of(customers: pd.Series, membership: dict[int, str]) -> pd.Series:
    return customers.map(lambda pk: membership.get(int(pk), NO_SEGMENT) if pd.notna(pk) else NO_SEGMENT)


def _kpi_rows(batch: Batch, orders: pd.DataFrame, items: pd.DataFrame, events: pd.DataFrame, reviews: pd.DataFrame, funnel):
    revenue_orders = orders[~orders["status"].isin(NON_REVENUE)]
    refunded = orders[orders["status"] == OrderStatus.REFUNDED]
    units = items[items["order"].isin(revenue_orders["order"])].merge(orders[["order", "day"]], on="order")
    per_day = {
        "revenue": revenue_orders.groupby("day")["total"].sum(),
        "orders": revenue_orders.groupby("day").size(),
        "customers": revenue_orders.groupby("day")["customer"].nunique(),
        "units": units.groupby("day")["quantity"].sum(),
        "refunds": refunded.groupby("day").size(),
        "refunded_amount": refunded.groupby("day")["total"].sum(),
        "visitors": events.assign(day=_days(events, "timestamp")).groupby("day")["visitor"].nunique(),
        "reviews": reviews.groupby("day").size(),
        "rating_sum": reviews.groupby("day")["rating"].sum(),
        "positive_reviews": reviews[reviews["rating"] >= 4].groupby("day").size(),
        "negative_reviews": reviews[reviews["rating"] <= 2].groupby("day").size(),
    }
    daily_funnel = funnel[funnel["window"] == DEFAULT_WINDOW].groupby("day")[["views", "purchases"]].sum()
    per_day["journeys"], per_day["purchases"] = daily_funnel["views"], daily_funnel["purchases"]
    table = pd.DataFrame(per_day).fillna(0)
    table = table[(table.index >= batch.first) & (table.index <= batch.last)]
    money = {"revenue", "refunded_amount"}
    return [
        DailyMerchantKPI(
            merchant_id=batch.merchant_id,
            day=day,
            **{name: _money(value) if name in money else int(value) for name, value in row.items()},
        )
        for day, row in table.iterrows()
    ]


def _sales_rows(batch: Batch, orders: pd.DataFrame, items: pd.DataFrame, membership: dict[int, str]):
    revenue_orders = orders[~orders["status"].isin(NON_REVENUE)]
    lines = items.merge(revenue_orders[["order", "day", "customer"]], on="order")
    by = {"revenue": ("revenue", "sum"), "orders": ("order", "nunique"), "units": ("quantity", "sum")}
    categories = lines.dropna(subset=["category"]).groupby(["day", "category"]).agg(**by).reset_index()
    products = lines.groupby(["day", "product"]).agg(**by).reset_index()
    segmented = lines.dropna(subset=["category"]).assign(segment=lambda f: _segment_of(f["customer"], membership))
    segments = segmented.groupby(["day", "segment", "category"]).agg(**by).reset_index()
    m = batch.merchant_id

    def values(row) -> dict:
        return {"revenue": _money(row.revenue), "orders": int(row.orders), "units": int(row.units)}

    category_rows = [
        DailyCategorySales(merchant_id=m, day=r.day, category_id=int(r.category), **values(r)) for r in categories.itertuples()
    ]
    product_rows = [
        DailyProductSales(merchant_id=m, day=r.day, product_id=int(r.product), **values(r)) for r in products.itertuples()
    ]
    segment_rows = [
        DailySegmentCategory(merchant_id=m, day=r.day, segment=r.segment, category_id=int(r.category), **values(r))
        for r in segments.itertuples()
    ]
    pair_rows = []
    for kind, column in ((DailyPair.Kind.CATEGORY, "category"), (DailyPair.Kind.PRODUCT, "product")):
        baskets = lines.dropna(subset=[column]).groupby(["day", "order"])[column].agg(lambda s: set(s.astype(int)))
        for day, day_baskets in baskets.groupby(level="day"):
            for (a, b), together in basket_pairs(day_baskets).items():
                pair_rows.append(DailyPair(merchant_id=m, day=day, kind=kind, a=a, b=b, orders=together))
    return category_rows, product_rows, segment_rows, pair_rows


def _funnel_table(batch: Batch, events: pd.DataFrame, membership: dict[int, str]) -> pd.DataFrame:
    """Stage counts per (day, window, category, device, segment) for journeys starting in the batch."""
    columns = ["day", "window", "category", "device", "segment", "views", "carts", "checkouts", "purchases"]
    parts = []
    for window_name, window in WINDOWS.items():
        started = journeys(events, window=pd.Timedelta(window))
        started = started[(_days(started, "timestamp") >= batch.first) & (_days(started, "timestamp") <= batch.last)]
        if started.empty:
            continue
        started = started.assign(
            day=_days(started, "timestamp"),
            window=window_name,
            segment=_segment_of(started["customer"], membership),
            category=started["category"].astype("Int64"),
        )
        for n, name in enumerate(["views", "carts", "checkouts", "purchases"], start=1):
            started[name] = (started["reached"] >= n).astype(int)
        keys = ["day", "window", "category", "device", "segment"]
        parts.append(started.groupby(keys, dropna=False)[["views", "carts", "checkouts", "purchases"]].sum().reset_index())
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _funnel_rows(batch: Batch, table: pd.DataFrame) -> list[DailyFunnel]:
    return [
        DailyFunnel(
            merchant_id=batch.merchant_id,
            day=r.day,
            window=r.window,
            category_id=None if pd.isna(r.category) else int(r.category),
            device=r.device,
            segment=r.segment,
            views=int(r.views),
            carts=int(r.carts),
            checkouts=int(r.checkouts),
            purchases=int(r.purchases),
        )
        for r in table.itertuples()
    ]


DAILY_MODELS = (DailyMerchantKPI, DailyCategorySales, DailyProductSales, DailySegmentCategory, DailyFunnel, DailyPair)


def batch_compute(batch: Batch, *, membership: dict[int, str]) -> list[list[models.Model]]:
    """Every daily rollup row of one merchant's days, computed from the raw rows (nothing written)."""
    start, end = _midnight(batch.first), _midnight(batch.last + timedelta(days=1))
    orders = _orders_frame(batch.merchant_id, start, end)
    items = _items_frame(batch.merchant_id, start, end)
    events = _events_frame(batch.merchant_id, start, end + LOOKAHEAD)
    reviews = _reviews_frame(batch.merchant_id, start, end)
    funnel = _funnel_table(batch, events, membership)
    kpis = _kpi_rows(batch, orders, items, events[events["timestamp"] < end], reviews, funnel)
    categories, products, segments, pairs = _sales_rows(batch, orders, items, membership)
    return [kpis, categories, products, segments, _funnel_rows(batch, funnel), pairs]


def batch_build(batch: Batch, *, membership: dict[int, str]) -> None:
    """Recompute every daily rollup of one merchant's days and swap them in atomically."""
    computed = batch_compute(batch, membership=membership)
    with transaction.atomic():
        for model in DAILY_MODELS:
            model.objects.filter(merchant_id=batch.merchant_id, day__gte=batch.first, day__lte=batch.last).delete()
        for rows in computed:
            if rows:
                type(rows[0]).objects.bulk_create(rows, batch_size=2000)


def cohorts_compute(merchant_id: int, *, membership: dict[int, str]) -> list[CohortActivity]:
    """The merchant's cohort rows, from every revenue order it ever had (nothing written)."""
    rows = (
        Order.objects.filter(merchant_id=merchant_id)
        .exclude(status__in=NON_REVENUE)
        .values_list("customer_id", "placed_at", "total")
    )
    orders = pd.DataFrame(list(rows), columns=["customer", "placed_at", "revenue"])
    orders["placed_at"] = pd.to_datetime(orders["placed_at"], utc=True)
    orders["revenue"] = orders["revenue"].astype(float)
    orders["segment"] = _segment_of(orders["customer"], membership)
    activity = cohort_activity(orders, keys=["segment"])
    return [
        CohortActivity(
            merchant_id=merchant_id,
            segment=r.segment,
            cohort_month=r.cohort_month,
            months_since=int(r.months_since),
            customers=int(r.customers),
            orders=int(r.orders),
            revenue=_money(r.revenue),
            repeaters=int(r.repeaters),
        )
        for r in activity.itertuples()
    ]


def cohorts_build(merchant_id: int, *, membership: dict[int, str]) -> int:
    """Replace the merchant's cohort rows."""
    cohort_rows = cohorts_compute(merchant_id, membership=membership)
    with transaction.atomic():
        CohortActivity.objects.filter(merchant_id=merchant_id).delete()
        CohortActivity.objects.bulk_create(cohort_rows, batch_size=2000)
    return len(cohort_rows)


# --- planning -----------------------------------------------------------------------------


def _data_range(merchant_id: int) -> tuple[date, date] | None:
    bounds = [
        Order.objects.filter(merchant_id=merchant_id).aggregate(first=Min("placed_at"), last=Max("placed_at")),
        Event.objects.filter(merchant_id=merchant_id).aggregate(first=Min("timestamp"), last=Max("timestamp")),
        Review.objects.filter(merchant_id=merchant_id).aggregate(first=Min("created_at"), last=Max("created_at")),
    ]
    firsts = [b["first"] for b in bounds if b["first"]]
    lasts = [b["last"] for b in bounds if b["last"]]
    if not firsts:
        return None
    return min(firsts).astimezone(UTC).date(), max(lasts).astimezone(UTC).date()


def _split(merchant_id: int, first: date, last: date) -> list[Batch]:
    batches, day = [], first
    while day <= last:
        end = min(last, day + timedelta(days=BATCH_DAYS - 1))
        batches.append(Batch(merchant_id, day, end))
        day = end + timedelta(days=1)
    return batches


def _touched_ranges(since: datetime) -> dict[int, tuple[date, date]]:
    """Per merchant, the days holding rows written since `since` (plus the funnel's look-back)."""
    touched: dict[int, list[date]] = {}
    sources = [
        Order.objects.filter(updated_at__gte=since).values_list("merchant_id", "placed_at"),
        Event.objects.filter(created_at__gte=since, merchant__isnull=False).values_list("merchant_id", "timestamp"),
        Review.objects.filter(updated_at__gte=since).values_list("merchant_id", "created_at"),
    ]
    for rows in sources:
        for merchant_id, moment in rows.order_by().distinct().iterator(chunk_size=5000):
            touched.setdefault(merchant_id, []).append(moment.astimezone(UTC).date())
    return {m: (min(days) - LOOKAHEAD, max(days)) for m, days in touched.items()}


def _run(
    plan: dict[int, tuple[date, date]], *, full: bool, started: datetime, progress: ProgressCallback | None
) -> RollupSummary:
    batches = [batch for merchant_id, (first, last) in sorted(plan.items()) for batch in _split(merchant_id, first, last)]
    total = len(batches) + len(plan)
    done = 0
    memberships = segment_memberships(sorted(plan))
    for batch in batches:
        batch_build(batch, membership=memberships[batch.merchant_id])
        done += 1
        if progress:
            progress(done, total, f"merchant {batch.merchant_id} {batch.first}..{batch.last}")
    for merchant_id in sorted(plan):
        cohorts_build(merchant_id, membership=memberships[merchant_id])
        done += 1
        if progress:
            progress(done, total, f"cohorts of merchant {merchant_id}")
    days = sum((last - first).days + 1 for first, last in plan.values())
    RollupRun.objects.create(started_at=started, finished_at=timezone.now(), full=full, merchants=len(plan), days=days)
    return RollupSummary(merchant_ids=tuple(sorted(plan)), days=days, batches=len(batches))


def rollups_rebuild(
    *, merchant_ids: Iterable[int] | None = None, since: date | None = None, progress: ProgressCallback | None = None
) -> RollupSummary:
    """Rebuild the rollups of the given merchants (all by default) from `since` (default: their first data)."""
    started = timezone.now()
    merchants = Merchant.objects.all() if merchant_ids is None else Merchant.objects.filter(pk__in=list(merchant_ids))
    plan = {}
    for merchant_id in merchants.order_by("pk").values_list("pk", flat=True):
        bounds = _data_range(merchant_id)
        if bounds is None:
            continue
        first, last = bounds
        first = max(first, since) if since else first
        if first <= last:
            plan[merchant_id] = (first, last)
    return _run(plan, full=since is None and merchant_ids is None, started=started, progress=progress)


def rollups_refresh(*, progress: ProgressCallback | None = None) -> RollupSummary:
    """Bring rollups up to date with what changed since the last run (everything if there was none)."""
    last_run = RollupRun.objects.order_by("-finished_at").first()
    if last_run is None:
        return rollups_rebuild(progress=progress)
    started = timezone.now()
    return _run(_touched_ranges(last_run.started_at), full=False, started=started, progress=progress)
