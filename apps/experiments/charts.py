"""Plotly figures of an experiment's results page, from selector output only (pure functions)."""
from __future__ import annotations

import plotly.graph_objects as go

from apps.dashboard.charts import ACCENT, GRID, MUTED, PRIMARY, Chart, EmptyState, chart_layout, figure_json
from apps.experiments.selectors import Results, TimelinePoint

ARM_COLOURS = [MUTED, PRIMARY, ACCENT, "#16a34a", "#f59e0b", "#db2777", "#0891b2", "#7c3aed", "#65a30d", "#dc2626"]
NO_TRAFFIC = EmptyState(
    "No shopper has been exposed yet. Start the experiment; exposures arrive as recommendations are served.",
    "python manage.py seed_experiments",
)


def _layout(**overrides) -> go.Layout:
    """Rates as percentages from zero, the legend below the plot."""
    defaults = {
        "showlegend": True,
        "yaxis": dict(automargin=True, gridcolor=GRID, zeroline=False, tickformat=".1%", rangemode="tozero"),
        "legend": dict(orientation="h", y=-0.2),
    }
    return chart_layout(**(defaults | overrides))


def rates_figure(results: Results) -> go.Figure:
    """Click-through and conversion per arm, with 95% Wilson intervals as error bars."""
    names = [arm.name for arm in results.arms]
    traces = []
    for label, metric, colour in (("Click-through", "click_through", ACCENT), ("Conversion", "conversion", PRIMARY)):
        comparisons = [getattr(arm, metric) for arm in results.arms]
        rates = [c.rate or 0.0 for c in comparisons]
        traces.append(go.Bar(
            name=label, x=names, y=rates, marker_color=colour,
            error_y=dict(
                type="data", symmetric=False,
                array=[(c.interval.high - rate) if c.interval else 0 for c, rate in zip(comparisons, rates, strict=True)],
                arrayminus=[(rate - c.interval.low) if c.interval else 0 for c, rate in zip(comparisons, rates, strict=True)],
                color="#374151", thickness=1.2, width=4,
            ),
            hovertemplate="%{x}: %{y:.2%}<extra>" + label + "</extra>",
        ))
    return go.Figure(data=traces, layout=_layout(barmode="group", bargap=0.3))


def cumulative_conversion_figure(timeline: dict[str, list[TimelinePoint]], names: dict[str, str]) -> go.Figure:
    """Cumulative conversion (converted units / exposed units) per arm and day."""
    order = [arm for arm in names if arm in timeline] + sorted(set(timeline) - set(names))
    traces = []
    for index, arm in enumerate(order):
        points = timeline[arm]
        traces.append(go.Scatter(
            name=names.get(arm, arm), x=[p.day.isoformat() for p in points],
            y=[p.converted_units / p.units if p.units else 0 for p in points],
            mode="lines+markers", line=dict(color=ARM_COLOURS[index % len(ARM_COLOURS)], width=2),
            hovertemplate="%{x}: %{y:.2%}<extra>" + names.get(arm, arm) + "</extra>",
        ))
    return go.Figure(data=traces, layout=_layout(hovermode="x unified"))


def results_charts(results: Results) -> list[Chart]:
    exposed = any(arm.counts.units for arm in results.arms)
    names = {arm.arm: arm.name for arm in results.arms}
    return [
        Chart("chart-experiment-rates", "Rates per arm (95% intervals)", figure_json(rates_figure(results)),
              has_data=exposed, empty=NO_TRAFFIC),
        Chart("chart-experiment-cumulative", "Cumulative conversion", figure_json(
            cumulative_conversion_figure(results.timeline, names)), has_data=exposed, empty=NO_TRAFFIC),
    ]
