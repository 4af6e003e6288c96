"""Reads behind the analytics dashboards: rollup rows in, named tables out (never raw events).

Every function takes resolved `Filters` (tenancy already applied to the merchant ids) and
returns `Table`s whose rows are what the charts draw, the CSV holds and the API answers. The
arithmetic is in ml/analytics; here are the queries that sum rollups over the filters.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from django.db.models import F, Sum

from apps.analytics.filters import Filters
from apps.analytics.models import (
    CohortActivity,
    DailyCategorySales,
    DailyFunnel,
    DailyMerchantKPI,
    DailyPair,
    DailyProductSales,
    DailySegmentCategory,
    KpiAnomaly,
)
from apps.analytics.rollups import DEFAULT_WINDOW
from apps.analytics.segmentation import NO_SEGMENT
from apps.analytics.tables import Table, ratio
from apps.catalog.models import Category, Product
from apps.merchants.models import Merchant
from ml.analytics.affinity import affinity_matrix
from ml.analytics.association import association_rules
from ml.analytics.bollinger import bollinger_bands
from ml.analytics.cohorts import repeat_purchase_rates, retention_matrix
from ml.analytics.forecast import forecast_daily
from ml.analytics.funnel import funnel_steps

MIN_TOGETHER = 3  # a pair seen in fewer orders is anecdote, not a rule
RULES_SHOWN = 15
FORECAST_CATEGORIES = 5
FORECAST_HORIZON = 14
TOP_PRODUCTS = 10
# KPI anomalies: four weeks of trailing history (whole weeks, so weekdays even out) and three
# standard deviations: at two, ordinary noise crosses the band on about one day in twenty.
BAND_WINDOW = 28
BAND_STD = 3.0
FUNNEL_BREAKDOWNS = ("device", "category", "segment", "week")
STAGE_COLUMNS = ("views", "carts", "checkouts", "purchases")


def _money(value) -> float:
    return round(float(value or 0), 2)


def _days(filters: Filters) -> list[date]:
    return [filters.start + timedelta(days=n) for n in range(filters.days)]


# --- affinity -----------------------------------------------------------------------------


def affinity(filters: Filters) -> Table:
    """Segment x category revenue, with each segment's share and its lift over the overall mix.

    Customers outside any segmentation are left out (their mix is not a segment's); the segment
    filter does not apply (the matrix compares the segments), the category filter does.
    """
    rows = (
        filters.rows(DailySegmentCategory.objects.exclude(segment=NO_SEGMENT))
        .filter(filters.category_q())
        .values("segment", path=F("category__path"))
        .annotate(revenue=Sum("revenue"), orders=Sum("orders"))
        .order_by()
    )
    frame = pd.DataFrame(list(rows), columns=["segment", "path", "revenue", "orders"])
    table = Table("affinity", "Segment by category", ("segment", "category", "revenue", "orders", "share", "lift"))
    if frame.empty:
        return table
    frame["revenue"] = frame["revenue"].astype(float)
    result = affinity_matrix(frame, row="segment", column="path", value="revenue")
    for r in frame.sort_values(["segment", "path"]).itertuples():
        if r.segment not in result.share.index or r.path not in result.share.columns:
            continue
        table.rows.append(
            {
                "segment": r.segment,
                "category": r.path,
                "revenue": _money(r.revenue),
                "orders": int(r.orders),
                "share": round(float(result.share.at[r.segment, r.path]), 4),
                "lift": round(float(result.lift.at[r.segment, r.path]), 3),
            }
        )
    return table


# --- cross-sell ---------------------------------------------------------------------------


def cross_sell(filters: Filters, *, kind: str, min_together: int = MIN_TOGETHER, limit: int = RULES_SHOWN) -> Table:
    """Association rules between categories (kind "category") or products ("product"), best lift first."""
    baskets = filters.rows(DailyMerchantKPI.objects.all()).aggregate(n=Sum("orders"))["n"] or 0
    source = DailyCategorySales if kind == DailyPair.Kind.CATEGORY else DailyProductSales
    item_field = "category_id" if kind == DailyPair.Kind.CATEGORY else "product_id"
    items = filters.rows(source.objects.all())
    if kind == DailyPair.Kind.CATEGORY:
        items = items.filter(filters.category_q())
    else:
        items = items.filter(filters.category_q("product__category"))
    item_counts = dict(items.values_list(item_field).annotate(n=Sum("orders")).order_by().values_list(item_field, "n"))
    pairs = filters.rows(DailyPair.objects.filter(kind=kind))
    if filters.category is not None:  # both items of a pair inside the chosen category
        pairs = pairs.filter(a__in=list(item_counts), b__in=list(item_counts))
    pairs = (
        pairs.values_list("a", "b")
        .annotate(n=Sum("orders"))
        .order_by()
    )
    rules = association_rules(
        baskets=baskets, item_counts=item_counts, pair_counts={(a, b): n for a, b, n in pairs}, min_together=min_together
    )[:limit]
    model = Category if kind == DailyPair.Kind.CATEGORY else Product
    label = "path" if kind == DailyPair.Kind.CATEGORY else "title"
    ids = {r.antecedent for r in rules} | {r.consequent for r in rules}
    names = dict(model.objects.filter(pk__in=ids).values_list("pk", label))
    title = "Category pairs" if kind == DailyPair.Kind.CATEGORY else "Product pairs"
    return Table(
        f"{kind}-rules",
        title,
        ("antecedent", "consequent", "orders_together", "support", "confidence", "lift"),
        [
            {
                "antecedent": names.get(r.antecedent, str(r.antecedent)),
                "consequent": names.get(r.consequent, str(r.consequent)),
                "orders_together": r.together,
                "support": round(r.support, 5),
                "confidence": round(r.confidence, 4),
                "lift": round(r.lift, 3),
            }
            for r in rules
        ],
    )


# --- funnel -------------------------------------------------------------------------------


def _funnel_rows(filters: Filters, window: str):
    rows = filters.rows(DailyFunnel.objects.filter(window=window)).filter(filters.category_q())
    if filters.segment:
        rows = rows.filter(segment=filters.segment)
    return rows


def funnel(filters: Filters, *, window: str = DEFAULT_WINDOW) -> Table:
    """Journeys reaching each stage, with overall and step conversion and the drop-off at each step."""
    totals = _funnel_rows(filters, window).aggregate(**{c: Sum(c) for c in STAGE_COLUMNS})
    steps = funnel_steps([totals[c] or 0 for c in STAGE_COLUMNS])
    return Table(
        "funnel",
        f"Funnel ({window} window)",
        ("stage", "journeys", "overall_conversion", "step_conversion", "drop_off"),
        [
            {
                "stage": s.stage,
                "journeys": s.count,
                "overall_conversion": None if s.overall is None else round(s.overall, 4),
                "step_conversion": None if s.step is None else round(s.step, 4),
                "drop_off": None if s.drop_off is None else round(s.drop_off, 4),
            }
            for s in steps
        ],
    )


def funnel_breakdown(filters: Filters, *, by: str, window: str = DEFAULT_WINDOW) -> Table:
    """The funnel per device, category, segment or week: stage counts and conversions per group."""
    rows = _funnel_rows(filters, window)
    if by == "week":
        grouped = defaultdict(lambda: dict.fromkeys(STAGE_COLUMNS, 0))
        for values in rows.values("day").annotate(**{c: Sum(c) for c in STAGE_COLUMNS}).order_by():
            week = values["day"] - timedelta(days=values["day"].weekday())
            for c in STAGE_COLUMNS:
                grouped[week.isoformat()][c] += values[c]
        groups = sorted(grouped.items())
    else:
        field = {"device": "device", "segment": "segment", "category": "category__path"}[by]
        values = rows.values(group=F(field)).annotate(**{c: Sum(c) for c in STAGE_COLUMNS}).order_by("-views")
        groups = [(v["group"] or "(none)", v) for v in values]
    table = Table(
        f"funnel-by-{by}",
        f"Funnel by {by}",
        (by, *STAGE_COLUMNS, "view_to_cart", "cart_to_checkout", "checkout_to_purchase", "conversion"),
    )
    for group, counts in groups:
        steps = funnel_steps([counts[c] for c in STAGE_COLUMNS])
        table.rows.append(
            {
                by: group,
                **{c: counts[c] for c in STAGE_COLUMNS},
                "view_to_cart": steps[1].step,
                "cart_to_checkout": steps[2].step,
                "checkout_to_purchase": steps[3].step,
                "conversion": steps[3].overall,
            }
        )
    return table


# --- cohorts ------------------------------------------------------------------------------


def cohorts(filters: Filters) -> tuple[Table, Table]:
    """Retention by acquisition month (cohorts acquired in the date range) and each cohort's repeat rate."""
    rows = filters.rows(CohortActivity.objects.all(), day_field=None).filter(
        cohort_month__gte=filters.start.replace(day=1), cohort_month__lte=filters.end
    )
    if filters.segment:
        rows = rows.filter(segment=filters.segment)
    values = rows.values("cohort_month", "months_since").annotate(
        customers=Sum("customers"), orders=Sum("orders"), revenue=Sum("revenue"), repeaters=Sum("repeaters")
    ).order_by("cohort_month", "months_since")
    frame = pd.DataFrame(list(values), columns=["cohort_month", "months_since", "customers", "orders", "revenue", "repeaters"])
    retention = Table(
        "retention", "Retention by cohort", ("cohort_month", "months_since", "customers", "retention", "orders", "revenue")
    )
    repeat = Table("repeat", "Repeat purchase rate", ("cohort_month", "customers", "repeat_customers", "repeat_rate"))
    if frame.empty:
        return retention, repeat
    matrix = retention_matrix(frame)
    rates = repeat_purchase_rates(frame)
    for r in frame.itertuples():
        share = matrix.at[r.cohort_month, r.months_since]
        retention.rows.append(
            {
                "cohort_month": r.cohort_month.isoformat(),
                "months_since": int(r.months_since),
                "customers": int(r.customers),
                "retention": None if pd.isna(share) else round(float(share), 4),
                "orders": int(r.orders),
                "revenue": _money(r.revenue),
            }
        )
    sizes = frame[frame["months_since"] == 0].set_index("cohort_month")["customers"]
    repeaters = frame.groupby("cohort_month")["repeaters"].sum()
    for month, rate in rates.items():
        repeat.rows.append(
            {
                "cohort_month": month.isoformat(),
                "customers": int(sizes[month]),
                "repeat_customers": int(repeaters[month]),
                "repeat_rate": round(float(rate), 4),
            }
        )
    return retention, repeat


# --- trends, forecast and anomalies -------------------------------------------------------

KPI_LABELS = {
    KpiAnomaly.Kpi.REVENUE: "Revenue",
    KpiAnomaly.Kpi.ORDERS: "Orders",
    KpiAnomaly.Kpi.AVERAGE_ORDER_VALUE: "Average order value",
    KpiAnomaly.Kpi.CONVERSION: "Conversion",
}


def kpi_series(filters: Filters) -> dict[str, list[float | None]]:
    """One value per day of the range for each KPI (AOV and conversion None on days without a base)."""
    by_day = {
        row["day"]: row
        for row in filters.rows(DailyMerchantKPI.objects.all())
        .values("day")
        .annotate(revenue=Sum("revenue"), orders=Sum("orders"), journeys=Sum("journeys"), purchases=Sum("purchases"))
        .order_by()
    }
    empty = {"revenue": 0, "orders": 0, "journeys": 0, "purchases": 0}
    days = [by_day.get(day, empty) for day in _days(filters)]
    return {
        KpiAnomaly.Kpi.REVENUE: [_money(d["revenue"]) for d in days],
        KpiAnomaly.Kpi.ORDERS: [float(d["orders"]) for d in days],
        KpiAnomaly.Kpi.AVERAGE_ORDER_VALUE: [
            None if not d["orders"] else round(float(d["revenue"]) / d["orders"], 2) for d in days
        ],
        KpiAnomaly.Kpi.CONVERSION: [ratio(d["purchases"], d["journeys"]) for d in days],
    }


def kpi_bands(filters: Filters) -> Table:
    """Each KPI per day with its Bollinger band and flag; the band looks back before the range too."""
    history = Filters(
        start=filters.start - timedelta(days=BAND_WINDOW), end=filters.end, merchant_ids=filters.merchant_ids
    )
    series = kpi_series(history)
    table = Table("kpis", "KPIs per day", ("day", "kpi", "value", "expected", "lower", "upper", "anomaly"))
    days = _days(history)
    for kpi, values in series.items():
        bands = bollinger_bands([float("nan") if v is None else v for v in values], window=BAND_WINDOW, num_std=BAND_STD)
        for i, day in enumerate(days):
            if day < filters.start:
                continue
            table.rows.append(
                {
                    "day": day.isoformat(),
                    "kpi": str(kpi),
                    "value": values[i],
                    "expected": None if bands.middle[i] is None else round(bands.middle[i], 4),
                    "lower": None if bands.lower[i] is None else round(bands.lower[i], 4),
                    "upper": None if bands.upper[i] is None else round(bands.upper[i], 4),
                    "anomaly": bands.flags[i],
                }
            )
    return table


def category_forecast(filters: Filters, *, horizon: int = FORECAST_HORIZON) -> Table:
    """Daily revenue of the top categories (level-1 of the tree when no category is chosen, else its
    leaves) in the range, and their forecast with its backtest error against seasonal-naive."""
    rows = filters.rows(DailyCategorySales.objects.all()).filter(filters.category_q())
    revenue = defaultdict(lambda: defaultdict(float))
    for path, day, value in rows.values_list("category__path", "day").annotate(v=Sum("revenue")).order_by():
        revenue[path][day] += float(value)
    top = sorted(revenue, key=lambda p: -sum(revenue[p].values()))[:FORECAST_CATEGORIES]
    table = Table(
        "forecast",
        "Revenue per category and forecast",
        ("category", "day", "kind", "revenue", "lower", "upper", "smape", "baseline_smape"),
    )
    days = _days(filters)
    for path in top:
        values = [round(revenue[path].get(day, 0.0), 2) for day in days]
        table.rows.extend(
            {"category": path, "day": d.isoformat(), "kind": "actual", "revenue": v, "lower": None, "upper": None,
             "smape": None, "baseline_smape": None}
            for d, v in zip(days, values, strict=True)
        )
        result = forecast_daily(values, horizon=horizon, first_weekday=filters.start.weekday())
        if result is None:
            continue
        for n in range(horizon):
            table.rows.append(
                {
                    "category": path,
                    "day": (filters.end + timedelta(days=n + 1)).isoformat(),
                    "kind": "forecast",
                    "revenue": round(result.values[n], 2),
                    "lower": round(result.lower[n], 2),
                    "upper": round(result.upper[n], 2),
                    "smape": round(result.smape, 1),
                    "baseline_smape": round(result.baseline_smape, 1),
                }
            )
    return table


def anomalies(filters: Filters, *, limit: int = 50) -> Table:
    rows = (
        filters.rows(KpiAnomaly.objects.all())
        .select_related("merchant")
        .order_by("-day", "kpi")[:limit]
    )
    return Table(
        "anomalies",
        "KPI anomalies",
        ("id", "merchant", "day", "kpi", "value", "expected", "lower", "upper", "direction"),
        [
            {
                "id": a.pk,
                "merchant": a.merchant.slug,
                "day": a.day.isoformat(),
                "kpi": a.kpi,
                "value": round(a.value, 4),
                "expected": round(a.expected, 4),
                "lower": round(a.lower, 4),
                "upper": round(a.upper, 4),
                "direction": "above" if a.direction > 0 else "below",
            }
            for a in rows
        ],
    )


# --- sellers ------------------------------------------------------------------------------


def sellers(filters: Filters) -> Table:
    """Per merchant: revenue, orders, AOV, conversion, refunds and review sentiment (from star ratings)."""
    sums = ("revenue", "orders", "refunds", "refunded_amount", "journeys", "purchases", "reviews", "rating_sum",
            "positive_reviews", "negative_reviews")
    values = (
        filters.rows(DailyMerchantKPI.objects.all())
        .values("merchant_id")
        .annotate(**{s: Sum(s) for s in sums})
        .order_by("-revenue")
    )
    names = dict(Merchant.objects.values_list("pk", "slug"))
    table = Table(
        "sellers",
        "Sellers",
        ("merchant", "revenue", "orders", "average_order_value", "conversion", "refunds", "refunded_amount",
         "refund_rate", "reviews", "average_rating", "positive_share", "negative_share"),
    )
    for v in values:
        table.rows.append(
            {
                "merchant": names[v["merchant_id"]],
                "revenue": _money(v["revenue"]),
                "orders": v["orders"],
                "average_order_value": round(float(v["revenue"]) / v["orders"], 2) if v["orders"] else None,
                "conversion": ratio(v["purchases"], v["journeys"]),
                "refunds": v["refunds"],
                "refunded_amount": _money(v["refunded_amount"]),
                "refund_rate": ratio(v["refunds"], v["orders"] + v["refunds"]),
                "reviews": v["reviews"],
                "average_rating": ratio(v["rating_sum"], v["reviews"], 2),
                "positive_share": ratio(v["positive_reviews"], v["reviews"]),
                "negative_share": ratio(v["negative_reviews"], v["reviews"]),
            }
        )
    return table


@dataclass(frozen=True)
class ProductMovement:
    top: Table
    declining: Table


def product_movement(filters: Filters, *, limit: int = TOP_PRODUCTS) -> ProductMovement:
    """Top products by revenue in the range, and those whose revenue fell most against the days before."""
    previous = filters.previous()

    def revenue_by_product(f: Filters) -> dict[int, tuple[float, int]]:
        rows = f.rows(DailyProductSales.objects.all()).filter(f.category_q("product__category"))
        return {
            pk: (float(revenue), units)
            for pk, revenue, units in rows.values_list("product_id").annotate(r=Sum("revenue"), u=Sum("units")).order_by()
        }

    now, before = revenue_by_product(filters), revenue_by_product(previous)
    top_ids = sorted(now, key=lambda pk: (-now[pk][0], pk))[:limit]
    changes = {pk: now.get(pk, (0.0, 0))[0] - before[pk][0] for pk in before}
    declining_ids = sorted((pk for pk, change in changes.items() if change < 0), key=lambda pk: (changes[pk], pk))[:limit]
    titles = dict(Product.objects.filter(pk__in={*top_ids, *declining_ids}).values_list("pk", "title"))
    top = Table(
        "top-products",
        "Top products",
        ("product", "revenue", "units"),
        [{"product": titles.get(pk, ""), "revenue": round(now[pk][0], 2), "units": now[pk][1]} for pk in top_ids],
    )
    declining = Table(
        "declining-products",
        "Declining products",
        ("product", "revenue", "previous_revenue", "change", "change_pct"),
        [
            {
                "product": titles.get(pk, ""),
                "revenue": round(now.get(pk, (0.0, 0))[0], 2),
                "previous_revenue": round(before[pk][0], 2),
                "change": round(changes[pk], 2),
                "change_pct": ratio(changes[pk], before[pk][0]),
            }
            for pk in declining_ids
        ],
    )
    return ProductMovement(top=top, declining=declining)


def segments_available(merchant_ids: tuple[int, ...] | None) -> list[str]:
    """Segment names present in the rollups of these merchants (None: all; empty: no segmentation yet)."""
    rows = DailySegmentCategory.objects.exclude(segment=NO_SEGMENT)
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=merchant_ids)
    return list(rows.values_list("segment", flat=True).distinct().order_by("segment"))

