"""Plotly figures of the Segments page: pure functions of a run's stored figures."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from apps.dashboard.charts import ACCENT, GRID, MUTED, PRIMARY, Chart, EmptyState, chart_layout, figure_json
from apps.segments.models import Segment, SegmentationRun

TRAIN_COMMAND = "python manage.py train segments"


def segment_sizes_figure(segments: Sequence[Segment]) -> go.Figure:
    """Customers per segment, with each segment's revenue share in the hover."""
    return go.Figure(
        data=[
            go.Bar(
                x=[s.size for s in segments],
                y=[s.name for s in segments],
                orientation="h",
                marker_color=PRIMARY,
                customdata=[round(100 * s.stats.get("revenue_share", 0.0), 1) for s in segments],
                hovertemplate="%{y}: %{x} customers, %{customdata}% of revenue<extra></extra>",
            )
        ],
        layout=chart_layout(yaxis=dict(automargin=True, autorange="reversed"), xaxis=dict(title="customers", gridcolor=GRID)),
    )


def silhouette_figure(metrics: dict) -> go.Figure:
    """Silhouette per k tried; the chosen k marked."""
    by_k = sorted((int(k), v) for k, v in metrics.get("silhouette_by_k", {}).items())
    chosen = metrics.get("chosen_k")
    return go.Figure(
        data=[
            go.Scatter(x=[k for k, _ in by_k], y=[v for _, v in by_k], mode="lines+markers", line_color=MUTED, name="silhouette"),
            go.Scatter(
                x=[k for k, _ in by_k if k == chosen],
                y=[v for k, v in by_k if k == chosen],
                mode="markers",
                marker=dict(color=PRIMARY, size=14),
                name="chosen k",
            ),
        ],
        layout=chart_layout(
            xaxis=dict(title="k (segments)", dtick=1, gridcolor=GRID), yaxis=dict(title="silhouette", gridcolor=GRID)
        ),
    )


def rfm_figure(distribution: dict[str, int]) -> go.Figure:
    return go.Figure(
        data=[go.Bar(x=list(distribution), y=list(distribution.values()), marker_color=ACCENT)],
        layout=chart_layout(yaxis=dict(title="customers", gridcolor=GRID)),
    )


def clv_figure(values: Sequence[float]) -> go.Figure:
    return go.Figure(
        data=[go.Histogram(x=list(values), nbinsx=40, marker_color=PRIMARY)],
        layout=chart_layout(
            xaxis=dict(title="predicted value, next 365 days", gridcolor=GRID), yaxis=dict(title="customers", gridcolor=GRID)
        ),
    )


def segments_charts(
    *, run: SegmentationRun, segments: Sequence[Segment], rfm: dict[str, int], values: Sequence[float]
) -> list[Chart]:
    no_clv = EmptyState(message=f"Not enough data yet: {run.clv.get('reason')}.", command="")
    empty = EmptyState(message="No segmentation yet.", command=TRAIN_COMMAND)
    return [
        Chart("chart-segment-sizes", "Segment sizes", figure_json(segment_sizes_figure(segments)), bool(segments), empty),
        Chart("chart-silhouette", "Silhouette by k", figure_json(silhouette_figure(run.metrics)), bool(run.metrics), empty),
        Chart("chart-rfm", "RFM groups", figure_json(rfm_figure(rfm)), any(rfm.values()), empty),
        Chart("chart-clv", "Predicted customer value (365 days)", figure_json(clv_figure(values)), bool(values), no_clv),
    ]
