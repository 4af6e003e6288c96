"""The six analytics dashboards: which tables each one reads, and which charts it draws from them.

The portal page, its CSV downloads and the API endpoint of a dashboard all go through
`dashboard_tables`, so a chart, its CSV and its JSON always hold the same numbers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apps.analytics import charts, selectors
from apps.analytics.filters import Filters
from apps.analytics.models import DailyPair, KpiAnomaly
from apps.analytics.rollups import DEFAULT_WINDOW
from apps.analytics.tables import Table
from apps.dashboard.charts import ACCENT


@dataclass(frozen=True)
class Options:
    """Per-dashboard settings beyond the common filters (the funnel's window and breakdown)."""

    window: str = DEFAULT_WINDOW
    by: str = "device"
    min_orders: int = selectors.MIN_TOGETHER
    """cross-sell: the fewest orders a pair must share to make a rule"""


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    tables: Callable[[Filters, Options], list[Table]]
    charts: Callable[[dict[str, Table], Options], list[charts.TableChart]]
    uses_segment: bool = False
    details: tuple[str, ...] = ()
    """tables also shown as HTML tables under the charts ("{by}" is the funnel's breakdown)"""

    def detail_tables(self, tables: dict[str, Table], options: Options) -> list[Table]:
        return [tables[name.format(by=options.by)] for name in self.details]


def _affinity_tables(f: Filters, o: Options) -> list[Table]:
    return [selectors.affinity(f)]


def _affinity_charts(t: dict[str, Table], o: Options) -> list[charts.TableChart]:
    table = t["affinity"]
    return [
        charts.chart("chart-affinity-lift", "Lift against the overall mix (1 = same as everyone)",
                     charts.heatmap_figure(table, x="category", y="segment", z="lift", text="share", lift=True), table,
                     charts.NO_SEGMENTS, wide=True),
        charts.chart("chart-affinity-share", "Share of each segment's revenue",
                     charts.heatmap_figure(table, x="category", y="segment", z="share"), table,
                     charts.NO_SEGMENTS, wide=True),
    ]


def _cross_sell_tables(f: Filters, o: Options) -> list[Table]:
    return [
        selectors.cross_sell(f, kind=DailyPair.Kind.CATEGORY, min_together=o.min_orders),
        selectors.cross_sell(f, kind=DailyPair.Kind.PRODUCT, min_together=o.min_orders),
    ]


def _cross_sell_charts(t: dict[str, Table], o: Options) -> list[charts.TableChart]:
    return [
        charts.chart("chart-category-rules", "Categories bought together (lift)",
                     charts.rules_figure(t["category-rules"]), t["category-rules"], charts.NO_PAIRS, wide=True),
        charts.chart("chart-product-rules", "Products bought together (lift)",
                     charts.rules_figure(t["product-rules"]), t["product-rules"], charts.NO_PAIRS, wide=True),
    ]


def _funnel_tables(f: Filters, o: Options) -> list[Table]:
    return [selectors.funnel(f, window=o.window), selectors.funnel_breakdown(f, by=o.by, window=o.window)]


def _funnel_charts(t: dict[str, Table], o: Options) -> list[charts.TableChart]:
    funnel, breakdown = t["funnel"], t[f"funnel-by-{o.by}"]
    return [
        charts.chart("chart-funnel", f"Funnel ({o.window} conversion window)", charts.funnel_figure(funnel),
                     funnel if any(r["journeys"] for r in funnel) else Table("funnel", "", ()), charts.NO_ROLLUPS),
        charts.chart("chart-funnel-breakdown", f"Conversion by {o.by}", charts.breakdown_figure(breakdown, by=o.by),
                     breakdown, charts.NO_ROLLUPS),
    ]


def _cohort_tables(f: Filters, o: Options) -> list[Table]:
    return list(selectors.cohorts(f))


def _cohort_charts(t: dict[str, Table], o: Options) -> list[charts.TableChart]:
    return [
        charts.chart("chart-retention", "Customers active n months after their first order",
                     charts.heatmap_figure(t["retention"], x="months_since", y="cohort_month", z="retention",
                                           text="retention"),
                     t["retention"], charts.NO_COHORTS, wide=True),
        charts.chart("chart-repeat", "Repeat purchase rate per cohort", charts.repeat_rate_figure(t["repeat"]),
                     t["repeat"], charts.NO_COHORTS, wide=True),
    ]


def _trend_tables(f: Filters, o: Options) -> list[Table]:
    return [selectors.kpi_bands(f), selectors.category_forecast(f), selectors.anomalies(f)]


KPI_CHARTS = [
    (KpiAnomaly.Kpi.REVENUE, {"money": True}),
    (KpiAnomaly.Kpi.ORDERS, {}),
    (KpiAnomaly.Kpi.AVERAGE_ORDER_VALUE, {"money": True}),
    (KpiAnomaly.Kpi.CONVERSION, {"percent": True}),
]


def _trend_charts(t: dict[str, Table], o: Options) -> list[charts.TableChart]:
    kpis = t["kpis"]
    has_data = Table("kpis", "", ()) if not any(r["value"] for r in kpis) else kpis
    return [
        charts.chart("chart-forecast", "Revenue per category, with a 14-day forecast", charts.forecast_figure(t["forecast"]),
                     t["forecast"], charts.NO_ROLLUPS, wide=True),
        *(
            charts.chart(f"chart-kpi-{kpi.replace('_', '-')}", f"{selectors.KPI_LABELS[kpi]} per day",
                         charts.kpi_figure(kpis, kpi=kpi, **style), has_data, charts.NO_ROLLUPS)
            for kpi, style in KPI_CHARTS
        ),
    ]


def _seller_tables(f: Filters, o: Options) -> list[Table]:
    movement = selectors.product_movement(f)
    return [selectors.sellers(f), movement.top, movement.declining]


def _seller_charts(t: dict[str, Table], o: Options) -> list[charts.TableChart]:
    return [
        charts.chart("chart-seller-revenue", "Revenue per merchant",
                     charts.bars_figure(t["sellers"], label="merchant", value="revenue"), t["sellers"], charts.NO_ROLLUPS),
        charts.chart("chart-top-products", "Top products by revenue",
                     charts.bars_figure(t["top-products"], label="product", value="revenue", color=ACCENT),
                     t["top-products"], charts.NO_ROLLUPS),
        charts.chart("chart-declining-products", "Declining products (revenue change against the days before)",
                     charts.bars_figure(t["declining-products"], label="product", value="change", color=charts.DANGER),
                     t["declining-products"], charts.NO_ROLLUPS, wide=True),
    ]


PAGES: dict[str, Page] = {
    page.slug: page
    for page in [
        Page("trends", "Trends & forecast", "KPIs per day inside their Bollinger bands (anomalies in red), "
             "and revenue per category with a forecast.", _trend_tables, _trend_charts, details=("anomalies",)),
        Page("affinity", "Affinity", "What each customer segment buys, and how much more (lift) than the overall mix.",
             _affinity_tables, _affinity_charts),
        Page("cross-sell", "Cross-sell", "Association rules from orders: support, confidence and lift of items "
             "bought together.", _cross_sell_tables, _cross_sell_charts, details=("category-rules", "product-rules")),
        Page("funnel", "Funnel", "Visitor journeys from a product view to a purchase within the conversion window.",
             _funnel_tables, _funnel_charts, uses_segment=True, details=("funnel", "funnel-by-{by}")),
        Page("cohorts", "Cohorts", "Customers by the month of their first order, followed month by month.",
             _cohort_tables, _cohort_charts, uses_segment=True, details=("repeat",)),
        Page("sellers", "Sellers", "Each merchant's revenue, orders, conversion, refunds and review sentiment; "
             "top and declining products.", _seller_tables, _seller_charts, details=("sellers", "declining-products")),
    ]
}


def dashboard_tables(page: Page, filters: Filters, options: Options) -> dict[str, Table]:
    return {table.name: table for table in page.tables(filters, options)}
