"""Plotly figures for the dashboard, built from selector output and nothing else.

Pure functions (no queries, no request) so each chart's traces can be unit-tested. Templates
embed `figure_json(fig)` with `json_script`; static/js/charts.js draws it with plotly.js.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from apps.dashboard.selectors import DailySales, FunnelStage, Overview, RevenueShare

# The palette of static/css/portal.css, so charts and page read as one design.
PRIMARY = "#4f46e5"
ACCENT = "#0ea5e9"
MUTED = "#6b7280"
GRID = "#e5e7eb"
FONT = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

STAGE_LABELS = {"view": "Viewed", "add_to_cart": "Added to cart", "checkout": "Checkout", "purchase": "Purchased"}


def chart_layout(*, legend_on_top: bool = False, **overrides) -> go.Layout:
    """The portal's chart style, shared by every app's charts; `overrides` replace whole keys.

    legend_on_top: a horizontal legend above the plot (with room for it) instead of none.
    """
    # template "none" keeps the embedded JSON small: every style is set here instead.
    base = dict(
        template="none",
        font=dict(family=FONT, size=12, color="#374151"),
        margin=dict(l=8, r=8, t=8, b=8),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=dict(family=FONT)),
        xaxis=dict(automargin=True, gridcolor=GRID, zeroline=False),
        yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False),
        showlegend=False,
    )
    if legend_on_top:
        base.update(showlegend=True, legend=dict(orientation="h", x=0, y=1.12), margin=dict(l=8, r=8, t=28, b=8))
    base.update(overrides)
    return go.Layout(**base)


def _whole_number_step(largest: int, ticks: int = 5) -> int:
    """Tick spacing for a count axis: whole numbers only (no "2.38 orders")."""
    return max(1, math.ceil(largest / ticks))


def revenue_orders_figure(days: Sequence[DailySales]) -> go.Figure:
    """Revenue bars with the order count as a line on a second axis."""
    x = [d.day.isoformat() for d in days]
    most_orders = max((d.orders for d in days), default=0)
    return go.Figure(
        data=[
            go.Bar(
                x=x,
                y=[float(d.revenue) for d in days],
                name="Revenue",
                marker_color=PRIMARY,
                opacity=0.85,
                hovertemplate="%{x|%d %b}<br>Revenue %{y:,.2f}<extra></extra>",
            ),
            go.Scatter(
                x=x,
                y=[d.orders for d in days],
                name="Orders",
                yaxis="y2",
                mode="lines+markers",
                line=dict(color=ACCENT, width=2),
                marker=dict(size=5),
                hovertemplate="%{x|%d %b}<br>%{y} orders<extra></extra>",
            ),
        ],
        layout=chart_layout(
            showlegend=True,
            legend=dict(orientation="h", x=0, y=1.12),
            margin=dict(l=8, r=8, t=28, b=8),
            xaxis=dict(automargin=True, type="date", tickformat="%d %b", showgrid=False),
            yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, title=dict(text="Revenue"), rangemode="tozero"),
            yaxis2=dict(
                automargin=True,
                overlaying="y",
                side="right",
                showgrid=False,
                rangemode="tozero",
                title=dict(text="Orders"),
                tickmode="linear",
                tick0=0,
                dtick=_whole_number_step(most_orders),
            ),
            bargap=0.25,
        ),
    )


def funnel_figure(stages: Sequence[FunnelStage]) -> go.Figure:
    return go.Figure(
        data=[
            go.Funnel(
                y=[STAGE_LABELS.get(s.stage, s.stage) for s in stages],
                x=[s.sessions for s in stages],
                textinfo="value+percent initial",
                marker=dict(color=[PRIMARY, "#6366f1", "#818cf8", ACCENT][: len(stages)]),
                connector=dict(fillcolor="#eef2ff", line=dict(color=GRID)),
                hovertemplate="%{y}: %{x} sessions<extra></extra>",
            )
        ],
        layout=chart_layout(yaxis=dict(automargin=True, showgrid=False)),
    )


def ranking_figure(rows: Sequence[RevenueShare], *, color: str = PRIMARY) -> go.Figure:
    """Horizontal revenue bars, largest on top (top categories, top products)."""
    return go.Figure(
        data=[
            go.Bar(
                x=[float(r.revenue) for r in rows],
                y=[r.label for r in rows],
                orientation="h",
                marker_color=color,
                customdata=[r.units for r in rows],
                hovertemplate="%{y}<br>Revenue %{x:,.2f} · %{customdata} units<extra></extra>",
            )
        ],
        layout=chart_layout(
            yaxis=dict(automargin=True, autorange="reversed", showgrid=False),
            xaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, tickformat=",.0f"),
            bargap=0.3,
        ),
    )


def figure_json(figure: go.Figure) -> dict:
    """The {data, layout} dict that plotly.js `newPlot` takes, ready for `json_script`."""
    return figure.to_plotly_json()


def plotly_warm() -> None:
    """Build and serialise one figure of each trace type the portal draws (web warm-up, apps.core.warmup).

    plotly imports each graph-object class and its validators on first use, which cost a cold
    chart page about half a second of CPU.
    """
    traces = [go.Bar(x=[0], y=[0]), go.Scatter(x=[0], y=[0]), go.Histogram(x=[0]), go.Funnel(x=[0], y=["a"])]
    figure_json(go.Figure(data=traces, layout=chart_layout()))


@dataclass(frozen=True)
class EmptyState:
    """What to tell the user when a chart has nothing to draw, and the command that fixes it."""

    message: str
    command: str


@dataclass(frozen=True)
class Chart:
    element_id: str
    title: str
    figure: dict
    has_data: bool
    empty: EmptyState
    wide: bool = False  # spans the full row of the chart grid

    @property
    def data_element_id(self) -> str:
        """Id of the <script type="application/json"> holding the figure."""
        return f"{self.element_id}-data"


NO_ORDERS = EmptyState(
    "No orders in this period. Import orders (see docs/data-formats.md) or load the demo data.",
    "python manage.py import_data orders FILE.csv",
)
NO_EVENTS = EmptyState(
    "No storefront sessions in this period. Send events to POST /api/v1/events/ or import them.",
    "python manage.py import_data events FILE.csv",
)


def dashboard_charts(overview: Overview) -> list[Chart]:
    return [
        Chart(
            "chart-revenue-orders",
            "Revenue and orders per day",
            figure_json(revenue_orders_figure(overview.daily)),
            has_data=any(d.orders for d in overview.daily),
            empty=NO_ORDERS,
            wide=True,
        ),
        Chart(
            "chart-funnel",
            "Session funnel",
            figure_json(funnel_figure(overview.funnel)),
            has_data=any(s.sessions for s in overview.funnel),
            empty=NO_EVENTS,
        ),
        Chart(
            "chart-top-categories",
            "Top categories by revenue",
            figure_json(ranking_figure(overview.categories)),
            has_data=bool(overview.categories),
            empty=NO_ORDERS,
        ),
        Chart(
            "chart-top-products",
            "Top products by revenue",
            figure_json(ranking_figure(overview.products, color=ACCENT)),
            has_data=bool(overview.products),
            empty=NO_ORDERS,
            wide=True,
        ),
    ]
