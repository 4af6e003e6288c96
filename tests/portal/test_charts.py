"""The dashboard's figures, checked on their traces (no database, no browser)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from apps.dashboard.charts import (
    dashboard_charts,
    figure_json,
    funnel_figure,
    ranking_figure,
    revenue_orders_figure,
)
from apps.dashboard.selectors import DailySales, FunnelStage, Overview, Period, RevenueShare

DAYS = [
    DailySales(day=date(2025, 3, 1), revenue=Decimal("120.50"), orders=3),
    DailySales(day=date(2025, 3, 2), revenue=Decimal("0.00"), orders=0),
]
STAGES = [FunnelStage("view", 100), FunnelStage("add_to_cart", 40), FunnelStage("checkout", 12), FunnelStage("purchase", 9)]
RANKING = [RevenueShare("Poster", Decimal("40.00"), 1), RevenueShare("Mug", Decimal("30.00"), 3)]


def test_revenue_orders_has_revenue_bars_and_orders_line_on_a_second_axis():
    bars, line = revenue_orders_figure(DAYS).data
    assert bars.type == "bar" and list(bars.x) == ["2025-03-01", "2025-03-02"]
    assert list(bars.y) == [120.5, 0.0]
    assert line.type == "scatter" and list(line.y) == [3, 0] and line.yaxis == "y2"


def test_funnel_keeps_stage_order_with_readable_labels():
    (trace,) = funnel_figure(STAGES).data
    assert trace.type == "funnel"
    assert list(trace.y) == ["Viewed", "Added to cart", "Checkout", "Purchased"]
    assert list(trace.x) == [100, 40, 12, 9]


def test_ranking_is_horizontal_with_the_largest_on_top():
    figure = ranking_figure(RANKING)
    (trace,) = figure.data
    assert trace.orientation == "h"
    assert list(trace.y) == ["Poster", "Mug"] and list(trace.x) == [40.0, 30.0]
    assert list(trace.customdata) == [1, 3]
    assert figure.layout.yaxis.autorange == "reversed"


def test_figure_json_is_plain_json_for_json_script():
    payload = figure_json(revenue_orders_figure(DAYS))
    decoded = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    assert decoded["data"][0]["y"] == [120.5, 0.0]  # numbers, not Decimal strings
    assert len(json.dumps(decoded)) < 4000  # plotly's default template (~10 KB) is not embedded


def test_charts_without_data_are_marked_empty_with_a_next_step():
    start = datetime(2025, 3, 1, tzinfo=UTC)
    empty = Overview(
        period=Period(start=start, end=start + timedelta(days=1)),
        kpis=[],
        daily=[DailySales(day=date(2025, 3, 1), revenue=Decimal("0.00"), orders=0)],
        funnel=[FunnelStage("view", 0)],
        categories=[],
        products=[],
    )
    charts = dashboard_charts(empty)
    assert [c.has_data for c in charts] == [False, False, False, False]
    assert all(c.empty.command.startswith("python manage.py import_data") for c in charts)
    assert len({c.element_id for c in charts}) == len(charts)


def test_order_axis_counts_in_whole_numbers():
    busy = [DailySales(day=date(2025, 3, d), revenue=Decimal("1"), orders=n) for d, n in [(1, 3), (2, 23)]]
    assert revenue_orders_figure(busy).layout.yaxis2.dtick == 5
    assert revenue_orders_figure(DAYS).layout.yaxis2.dtick == 1
