"""The Models and Monitoring pages' Plotly figures: key metrics across versions, drift.

A pure function of the versions (no queries), drawn by static/js/charts.js like the dashboard's.
"""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from apps.dashboard.charts import ACCENT, FONT, GRID, MUTED, PRIMARY
from apps.mlops.models import ModelVersion

# The metrics a model's page leads with, in this order; a model not listed here shows the first
# MAX_HEADLINE numeric 0..1 metrics its newest version reports (alphabetically).
HEADLINE_METRICS: dict[str, list[str]] = {
    "fraud": ["auc_roc", "average_precision", "card_precision_top_100", "review_recall", "decline_precision"],
}
MAX_HEADLINE = 5
COLORS = (PRIMARY, ACCENT, "#059669", "#b45309", MUTED)


def _is_rate(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0


def headline_metrics(name: str, versions: Sequence[ModelVersion]) -> list[str]:
    """The metric keys to tabulate and chart for model `name` (see HEADLINE_METRICS)."""
    if name in HEADLINE_METRICS:
        return HEADLINE_METRICS[name]
    newest = max(versions, key=lambda version: version.version, default=None)
    if newest is None:
        return []
    return sorted(key for key, value in newest.metrics.items() if _is_rate(value))[:MAX_HEADLINE]


METRIC_LABELS = {
    "auc_roc": "AUC-ROC",
    "average_precision": "Average precision",
    "card_precision_top_100": "Card precision@100",
    "review_recall": "Review recall",
    "decline_precision": "Decline precision",
}


def metric_label(key: str) -> str:
    """A column or legend label: known names as written above, others from the key ("ndcg_at_10" -> "ndcg@10")."""
    return METRIC_LABELS.get(key) or key.replace("_at_", "@").replace("_", " ")


def metrics_figure(versions: Sequence[ModelVersion], keys: Sequence[str]) -> go.Figure:
    """One line per metric key, oldest version first; a version lacking a metric leaves a gap."""
    ordered = sorted(versions, key=lambda version: version.version)
    x = [f"v{version.version}" for version in ordered]
    traces = [
        go.Scatter(
            x=x,
            y=[version.metrics.get(key) for version in ordered],
            name=metric_label(key),
            mode="lines+markers",
            line=dict(color=COLORS[index % len(COLORS)], width=2),
            marker=dict(size=6),
            hovertemplate=f"%{{x}}<br>{metric_label(key)} %{{y:.3f}}<extra></extra>",
        )
        for index, key in enumerate(keys)
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


PSI_BANDS = ((0.1, "#b45309", "warning 0.1"), (0.25, "#b91c1c", "alert 0.25"))
FEATURES_SHOWN = 15


def _drift_layout(**overrides) -> go.Layout:
    base = dict(
        template="none",
        font=dict(family=FONT, size=12, color="#374151"),
        margin=dict(l=8, r=8, t=28, b=8),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=True,
        legend=dict(orientation="h", x=0, y=1.15),
        xaxis=dict(automargin=True, showgrid=False),
        yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, rangemode="tozero"),
    )
    return go.Layout(**(base | overrides))


def feature_psi_figure(features: Sequence[dict]) -> go.Figure:
    """The latest report's PSI per feature (worst first), with the warning and alert levels as lines."""
    shown = list(features)[:FEATURES_SHOWN][::-1]
    colors = {"alert": "#b91c1c", "warning": "#b45309", "ok": PRIMARY}
    figure = go.Figure(
        data=[
            go.Bar(
                x=[f["psi"] for f in shown],
                y=[f["name"] for f in shown],
                orientation="h",
                marker_color=[colors[f["severity"]] for f in shown],
                name="PSI",
                hovertemplate="%{y}<br>PSI %{x:.3f}<extra></extra>",
            )
        ],
        layout=_drift_layout(
            showlegend=False, xaxis=dict(automargin=True, gridcolor=GRID, title="PSI"), height=80 + 22 * len(shown)
        ),
    )
    for level, color, _ in PSI_BANDS:
        figure.add_vline(x=level, line=dict(color=color, dash="dot", width=1))
    return figure


def drift_history_figure(reports: Sequence) -> go.Figure:
    """Largest feature PSI and score PSI per daily report, oldest first, plus labelled precision/recall when known."""
    ordered = [report for report in sorted(reports, key=lambda r: r.window_end) if report.max_psi is not None]
    x = [report.window_end.isoformat() for report in ordered]
    traces = [
        go.Scatter(
            x=x, y=[r.max_psi for r in ordered], name="largest feature PSI", mode="lines+markers", line=dict(color=PRIMARY)
        ),
        go.Scatter(
            x=x,
            y=[(r.score or {}).get("psi") for r in ordered],
            name="score PSI",
            mode="lines+markers",
            line=dict(color=ACCENT),
        ),
    ]
    for metric, color in (("precision", "#059669"), ("recall", MUTED)):
        values = [r.performance.get(metric) for r in ordered]
        if any(value is not None for value in values):
            traces.append(go.Scatter(x=x, y=values, name=f"labelled {metric}", mode="lines", line=dict(color=color, dash="dash")))
    figure = go.Figure(data=traces, layout=_drift_layout())
    for level, color, label in PSI_BANDS:
        figure.add_hline(y=level, line=dict(color=color, dash="dot", width=1), annotation_text=label)
    return figure


def score_distribution_figure(arms: Sequence) -> go.Figure:
    """Production's and the canary's scores over the same window, as overlaid shares per bin."""
    colors = {"production": PRIMARY, "canary": ACCENT}
    traces = [
        go.Histogram(
            x=arm.score_sample,
            name=f"{arm.role} v{arm.version}",
            histnorm="probability",
            nbinsx=30,
            opacity=0.6,
            marker_color=colors.get(arm.role, MUTED),
            hovertemplate="score %{x}<br>%{y:.1%} of answers<extra></extra>",
        )
        for arm in arms
        if arm.score_sample
    ]
    return go.Figure(
        data=traces,
        layout=_drift_layout(barmode="overlay", xaxis=dict(automargin=True, title="score"), yaxis=dict(
            automargin=True, gridcolor=GRID, tickformat=".0%", title="share of answers")),
    )
