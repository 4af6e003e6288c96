"""Plotly figures for the analytics dashboards, built from selector tables and nothing else.

Pure functions (no queries, no request), styled like the home dashboard's charts. They build
the {data, layout} dicts plotly.js takes as plain dicts rather than `plotly.graph_objects`:
validating dozens of traces through graph objects cost more than the rest of a page render
(bench/dashboards.py), and the browser validates them anyway. Templates embed them with
`json_script`; static/js/charts.js draws them.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from apps.analytics.tables import Table
from apps.dashboard.charts import ACCENT, FONT, GRID, MUTED, PRIMARY, STAGE_LABELS, Chart, EmptyState

DANGER = "#dc2626"
SERIES_COLORS = [PRIMARY, ACCENT, "#f59e0b", "#10b981", "#ec4899", MUTED]
Figure = dict


@dataclass(frozen=True)
class TableChart(Chart):
    """A chart whose data downloads as CSV: `table` names the selector table it draws."""

    table: str = ""


NO_ROLLUPS = EmptyState(
    "No rolled-up sales or storefront activity in this range. Rollups are refreshed every 15 minutes; "
    "rebuild them now with the command below.",
    "python manage.py rebuild_rollups",
)
NO_SEGMENTS = EmptyState(
    "No segmentation yet: once customers are segmented, the nightly rollup rebuild (or the command below) "
    "breaks sales down by segment.",
    "python manage.py rebuild_rollups",
)
NO_PAIRS = EmptyState(
    "No pair of items was bought together often enough in this range to make a rule (lower "
    "\u201corders together\u201d to see weaker pairs).",
    "python manage.py rebuild_rollups",
)
NO_COHORTS = EmptyState("No customer acquired in this range has ordered yet.", "python manage.py rebuild_rollups")


def _axis(**overrides) -> dict:
    return {"automargin": True, "gridcolor": GRID, "zeroline": False, **overrides}


def _layout(*, legend: bool = False, **overrides) -> dict:
    """The home dashboard's chart style (apps.dashboard.charts.chart_layout) as a plain dict."""
    layout = {
        "font": {"family": FONT, "size": 12, "color": "#374151"},
        "margin": {"l": 8, "r": 8, "t": 28 if legend else 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": _axis(),
        "yaxis": _axis(),
        "showlegend": legend,
    }
    if legend:
        layout["legend"] = {"orientation": "h", "x": 0, "y": 1.12}
    layout.update(overrides)
    return layout


def _date_axis() -> dict:
    return _axis(type="date", tickformat="%d %b", showgrid=False)


LIFT_CLIP = 3  # colour lifts on a log2 scale between 1/8 and 8; the hover shows the exact value


def _log2_clipped(lift: float) -> float:
    return max(-LIFT_CLIP, min(LIFT_CLIP, math.log2(max(lift, 2.0**-LIFT_CLIP))))


def heatmap_figure(table: Table, *, x: str, y: str, z: str, text: str | None = None, lift: bool = False) -> Figure:
    """A matrix from long rows (x, y, z); missing cells stay blank.

    Shares colour linearly (0-100%). Lifts colour by log2, clipped: a lift of 4 is as far above
    the overall mix as 1/4 is below it, and one tiny segment's lift of 80 does not wash out the rest.
    """
    xs = [str(v) for v in sorted({r[x] for r in table})]  # months since first order sort as numbers
    ys = [str(v) for v in sorted({r[y] for r in table})]
    cells = {(str(r[x]), str(r[y])): r for r in table}
    values = [[cells[(xv, yv)][z] if (xv, yv) in cells else None for xv in xs] for yv in ys]
    trace = {"type": "heatmap", "x": xs, "y": ys, "xgap": 1, "ygap": 1}
    if lift:
        trace |= {
            "z": [[None if v is None else _log2_clipped(v) for v in row] for row in values],
            "customdata": values,
            "zmin": -LIFT_CLIP,
            "zmax": LIFT_CLIP,
            "colorscale": [[0, "#f59e0b"], [0.5, "#ffffff"], [1, PRIMARY]],
            "hovertemplate": f"{y} %{{y}}<br>{x} %{{x}}<br>lift %{{customdata:.2f}}<extra></extra>",
            "colorbar": {
                "thickness": 10,
                "tickvals": list(range(-LIFT_CLIP, LIFT_CLIP + 1)),
                "ticktext": [f"{2.0**n:g}" for n in range(-LIFT_CLIP, LIFT_CLIP + 1)],
            },
        }
    else:
        trace |= {
            "z": values,
            "zmin": 0,
            "colorscale": [[0, "#eef2ff"], [1, PRIMARY]],
            "hovertemplate": f"{y} %{{y}}<br>{x} %{{x}}<br>{z} %{{z:.1%}}<extra></extra>",
            "colorbar": {"thickness": 10, "tickformat": ".0%"},
        }
    if text:
        trace["text"] = [
            [(f"{cells[(xv, yv)][text]:.0%}" if (xv, yv) in cells and cells[(xv, yv)][text] is not None else "") for xv in xs]
            for yv in ys
        ]
        trace["texttemplate"] = "%{text}"
    layout = _layout(
        xaxis=_axis(tickangle=-30, type="category", dtick=1, showgrid=False),
        yaxis=_axis(autorange="reversed", type="category", dtick=1, showgrid=False),
        height=max(320, 140 + 26 * len(ys)),
    )
    return {"data": [trace], "layout": layout}


def rules_figure(table: Table) -> Figure:
    """Lift of each rule as horizontal bars, best on top; support and confidence on hover."""
    rows = list(table)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r["lift"] for r in rows],
                "y": [f"{r['antecedent']} → {r['consequent']}" for r in rows],
                "marker": {"color": PRIMARY},
                "customdata": [[r["support"], r["confidence"], r["orders_together"]] for r in rows],
                "hovertemplate": "%{y}<br>lift %{x:.2f} · confidence %{customdata[1]:.1%} · support %{customdata[0]:.2%}"
                "<br>%{customdata[2]} orders together<extra></extra>",
            }
        ],
        "layout": _layout(
            yaxis=_axis(autorange="reversed", showgrid=False), xaxis=_axis(title={"text": "Lift"}), bargap=0.3
        ),
    }


def funnel_figure(table: Table) -> Figure:
    rows = list(table)
    return {
        "data": [
            {
                "type": "funnel",
                "y": [STAGE_LABELS.get(r["stage"], r["stage"]) for r in rows],
                "x": [r["journeys"] for r in rows],
                "textinfo": "value+percent initial+percent previous",
                "marker": {"color": [PRIMARY, "#6366f1", "#818cf8", ACCENT][: len(rows)]},
                "connector": {"fillcolor": "#eef2ff", "line": {"color": GRID}},
                "hovertemplate": "%{y}: %{x} journeys<extra></extra>",
            }
        ],
        "layout": _layout(yaxis=_axis(showgrid=False)),
    }


BREAKDOWN_STEPS = [
    ("view_to_cart", "View → cart", PRIMARY),
    ("cart_to_checkout", "Cart → checkout", "#818cf8"),
    ("checkout_to_purchase", "Checkout → purchase", ACCENT),
]


def breakdown_figure(table: Table, *, by: str) -> Figure:
    """Step-to-step conversion per group as grouped bars, and overall conversion as a line."""
    rows = list(table)
    groups = [str(r[by]) for r in rows]
    bars = [
        {
            "type": "bar",
            "x": groups,
            "y": [r[key] for r in rows],
            "name": label,
            "marker": {"color": color},
            "hovertemplate": "%{x}<br>%{y:.1%}<extra></extra>",
        }
        for key, label, color in BREAKDOWN_STEPS
    ]
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": groups,
        "y": [r["conversion"] for r in rows],
        "name": "View → purchase",
        "line": {"color": DANGER, "width": 2},
        "hovertemplate": "%{x}<br>overall %{y:.1%}<extra></extra>",
    }
    return {
        "data": [*bars, line],
        "layout": _layout(legend=True, barmode="group", yaxis=_axis(tickformat=".0%", rangemode="tozero")),
    }


def repeat_rate_figure(table: Table) -> Figure:
    rows = list(table)
    return {
        "data": [
            {
                "type": "bar",
                "x": [r["cohort_month"] for r in rows],
                "y": [r["repeat_rate"] for r in rows],
                "marker": {"color": ACCENT},
                "customdata": [[r["repeat_customers"], r["customers"]] for r in rows],
                "hovertemplate": "%{x|%b %Y}<br>%{y:.1%} came back (%{customdata[0]} of %{customdata[1]})<extra></extra>",
            }
        ],
        "layout": _layout(
            xaxis=_axis(type="date", tickformat="%b %Y", showgrid=False), yaxis=_axis(tickformat=".0%", rangemode="tozero")
        ),
    }


def kpi_figure(table: Table, *, kpi: str, money: bool = False, percent: bool = False) -> Figure:
    """A KPI per day inside its Bollinger band, anomalies as red markers."""
    rows = [r for r in table if r["kpi"] == kpi]
    days = [r["day"] for r in rows]
    number = ".1%" if percent else (",.2f" if money else ",.0f")
    flagged = [r for r in rows if r["anomaly"]]
    band = {"type": "scatter", "mode": "lines", "x": days, "line": {"width": 0}, "hoverinfo": "skip"}
    return {
        "data": [
            {**band, "y": [r["upper"] for r in rows], "name": "Band", "showlegend": False},
            {**band, "y": [r["lower"] for r in rows], "name": "Usual range", "fill": "tonexty",
             "fillcolor": "rgba(79,70,229,0.10)"},
            {
                "type": "scatter",
                "mode": "lines",
                "x": days,
                "y": [r["value"] for r in rows],
                "name": "Actual",
                "line": {"color": PRIMARY, "width": 2},
                "hovertemplate": f"%{{x|%d %b}}<br>%{{y:{number}}}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": [r["day"] for r in flagged],
                "y": [r["value"] for r in flagged],
                "name": "Anomaly",
                "marker": {"color": DANGER, "size": 10, "symbol": "diamond"},
                "hovertemplate": f"%{{x|%d %b}}: %{{y:{number}}} outside the band<extra></extra>",
            },
        ],
        "layout": _layout(legend=True, xaxis=_date_axis(), yaxis=_axis(tickformat=".0%") if percent else _axis()),
    }


def forecast_figure(table: Table) -> Figure:
    """Per category: daily revenue, then the forecast (dashed) with its interval; the legend
    carries the backtest sMAPE against the seasonal-naive baseline."""
    series: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {"actual": [], "forecast": []})
    for r in table:
        series[r["category"]][r["kind"]].append(r)
    traces = []
    for n, (category, parts) in enumerate(series.items()):
        color = SERIES_COLORS[n % len(SERIES_COLORS)]
        actual, ahead = parts["actual"], parts["forecast"]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [r["day"] for r in actual],
                "y": [r["revenue"] for r in actual],
                "name": category,
                "legendgroup": category,
                "line": {"color": color, "width": 1.5},
                "hovertemplate": f"{category}<br>%{{x|%d %b}}: %{{y:,.2f}}<extra></extra>",
            }
        )
        if ahead:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": [r["day"] for r in ahead],
                    "y": [r["revenue"] for r in ahead],
                    "name": f"forecast (sMAPE {ahead[0]['smape']:.0f}% vs naive {ahead[0]['baseline_smape']:.0f}%)",
                    "legendgroup": category,
                    "line": {"color": color, "width": 2, "dash": "dash"},
                    "error_y": {
                        "type": "data",
                        "symmetric": False,
                        "array": [round(r["upper"] - r["revenue"], 2) for r in ahead],
                        "arrayminus": [round(r["revenue"] - r["lower"], 2) for r in ahead],
                        "color": color,
                        "thickness": 1,
                        "width": 0,
                    },
                    "hovertemplate": f"{category} forecast<br>%{{x|%d %b}}: %{{y:,.2f}}<extra></extra>",
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            showlegend=True,
            legend={"orientation": "h", "x": 0, "y": -0.15},
            xaxis=_date_axis(),
            yaxis=_axis(rangemode="tozero", title={"text": "Revenue"}),
        ),
    }


def bars_figure(table: Table, *, label: str, value: str, color: str = PRIMARY, money: bool = True) -> Figure:
    rows = list(table)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [r[value] for r in rows],
                "y": [r[label] for r in rows],
                "marker": {"color": color},
                "hovertemplate": f"%{{y}}<br>%{{x:{',.2f' if money else ',.0f'}}}<extra></extra>",
            }
        ],
        "layout": _layout(yaxis=_axis(autorange="reversed", showgrid=False), xaxis=_axis(tickformat=",.0f"), bargap=0.3),
    }


def chart(element_id: str, title: str, figure: Figure, table: Table, empty: EmptyState, *, wide: bool = False) -> TableChart:
    return TableChart(element_id, title, figure, has_data=bool(table.rows), empty=empty, wide=wide, table=table.name)
