"""The Models page's Plotly figure: each key metric across a model's versions.

A pure function of the versions (no queries), drawn by static/js/charts.js like the dashboard's.
"""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from apps.dashboard.charts import ACCENT, FONT, GRID, MUTED, PRIMARY
from apps.mlops.models import ModelVersion

# Metric key -> legend label, for the metrics any model may report (fraud: all of them).
CHARTED_METRICS = {
    "auc_roc": ("AUC-ROC", PRIMARY),
    "average_precision": ("Average precision", ACCENT),
    "card_precision_top_100": ("Card precision@100", "#059669"),
    "review_recall": ("Review recall", "#b45309"),
    "decline_precision": ("Decline precision", MUTED),
}


def metrics_figure(versions: Sequence[ModelVersion]) -> go.Figure:
    """One line per metric, oldest version first; a version lacking a metric leaves a gap."""
    ordered = sorted(versions, key=lambda version: version.version)
    x = [f"v{version.version}" for version in ordered]
    traces = [
        go.Scatter(
            x=x,
            y=[version.metrics.get(key) for version in ordered],
            name=label,
            mode="lines+markers",
            line=dict(color=color, width=2),
            marker=dict(size=6),
            hovertemplate=f"%{{x}}<br>{label} %{{y:.3f}}<extra></extra>",
        )
        for key, (label, color) in CHARTED_METRICS.items()
        if any(version.metrics.get(key) is not None for version in ordered)
    ]
    return go.Figure(
        data=traces,
        layout=go.Layout(
            template="none",
            font=dict(family=FONT, size=12, color="#374151"),
            margin=dict(l=8, r=8, t=28, b=8),
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            showlegend=True,
            legend=dict(orientation="h", x=0, y=1.15),
            xaxis=dict(automargin=True, type="category", showgrid=False),
            yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, range=[0, 1.02]),
        ),
    )
