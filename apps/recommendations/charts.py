"""The Recommendations page's Plotly figures: pure functions of model versions' recorded metrics."""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from apps.dashboard.charts import ACCENT, FONT, GRID, MUTED, PRIMARY
from apps.mlops.models import ModelVersion

K = 10
SOURCE_LABELS = {
    "blend": "Blend",
    "blend_undiversified": "Blend before diversity",
    "item_knn": "Item-item CF",
    "als": "Matrix factorisation",
    "content": "Content",
    "trending": "Trending",
    "segment": "Segment",
    "popularity": "Most popular (baseline)",
}
METRICS = (f"precision@{K}", f"recall@{K}", f"ndcg@{K}", f"map@{K}", "coverage")
VERSION_LINES = {
    f"ndcg@{K}": ("Blend nDCG@10", PRIMARY),
    f"popularity_ndcg@{K}": ("Popularity nDCG@10", MUTED),
    f"precision@{K}": ("Blend precision@10", ACCENT),
    "coverage": ("Blend catalogue coverage", "#059669"),
}


def _layout(**overrides) -> go.Layout:
    return go.Layout(
        template="none",
        font=dict(family=FONT, size=12, color="#374151"),
        margin=dict(l=8, r=8, t=28, b=8),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend=dict(orientation="h", x=0, y=1.18),
        **overrides,
    )


def sources_figure(version: ModelVersion) -> go.Figure:
    """Grouped bars: every source alone, the blend and the baseline, on each ranking metric, for one version."""
    sources = version.metrics.get("sources") or {}
    names = [name for name in SOURCE_LABELS if name in sources]
    palette = ["#4f46e5", "#0ea5e9", "#059669", "#b45309", "#6b7280"]
    traces = [
        go.Bar(
            x=[SOURCE_LABELS[name] for name in names],
            y=[sources[name].get(metric) for name in names],
            name=metric,
            marker=dict(color=color),
            hovertemplate=f"%{{x}}<br>{metric} %{{y:.4f}}<extra></extra>",
        )
        for metric, color in zip(METRICS, palette, strict=True)
    ]
    return go.Figure(data=traces, layout=_layout(
        barmode="group",
        xaxis=dict(automargin=True, showgrid=False),
        yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False),
    ))


def versions_figure(versions: Sequence[ModelVersion]) -> go.Figure:
    """Headline figures across versions, oldest first: does each retrain still beat the bestsellers?"""
    ordered = sorted(versions, key=lambda version: version.version)
    x = [f"v{version.version}" for version in ordered]
    traces = [
        go.Scatter(
            x=x, y=[version.metrics.get(key) for version in ordered], name=label, mode="lines+markers",
            line=dict(color=color, width=2), hovertemplate=f"%{{x}}<br>{label} %{{y:.4f}}<extra></extra>",
        )
        for key, (label, color) in VERSION_LINES.items()
    ]
    return go.Figure(data=traces, layout=_layout(
        xaxis=dict(automargin=True, type="category", showgrid=False),
        yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, rangemode="tozero"),
    ))
