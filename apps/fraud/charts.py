"""Plotly figures of the fraud overview page, pure functions of `apps.fraud.overview_selectors` output.

No queries here, so each figure's traces are unit-tested directly; static/js/charts.js draws them
like the dashboard's, in the same palette.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from apps.dashboard.charts import ACCENT, GRID, MUTED, PRIMARY, chart_layout
from apps.fraud.overview_selectors import SCORE_BINS, DecisionsOnDay, QueueAge, WeeklyQuality

APPROVE = "#059669"
REVIEW = "#d97706"
DECLINE = "#dc2626"


def _layout(**overrides) -> go.Layout:
    return chart_layout(
        legend_on_top=True,
        **({"yaxis": dict(automargin=True, gridcolor=GRID, zeroline=False, rangemode="tozero")} | overrides),
    )


def decisions_figure(days: Sequence[DecisionsOnDay]) -> go.Figure:
    """Stacked bars of approve / review / decline per day."""
    x = [d.day.isoformat() for d in days]
    series = (("Approve", "approve", APPROVE), ("Review", "review", REVIEW), ("Decline", "decline", DECLINE))
    return go.Figure(
        data=[
            go.Bar(
                x=x,
                y=[getattr(d, field) for d in days],
                name=name,
                marker_color=color,
                hovertemplate=f"%{{x|%d %b}}<br>{name}: %{{y}}<extra></extra>",
            )
            for name, field, color in series
        ],
        layout=_layout(barmode="stack", xaxis=dict(automargin=True, type="date", tickformat="%d %b", showgrid=False)),
    )


def score_distribution_figure(counts: Sequence[int]) -> go.Figure:
    """Payments per score bin; the bins' centres label the bars."""
    width = 1 / SCORE_BINS
    return go.Figure(
        data=[
            go.Bar(
                x=[round((i + 0.5) * width, 4) for i in range(len(counts))],
                y=list(counts),
                width=width * 0.9,
                marker_color=PRIMARY,
                name="Payments",
                hovertemplate="score %{x:.2f}: %{y} payments<extra></extra>",
            )
        ],
        layout=_layout(showlegend=False, xaxis=dict(automargin=True, range=[0, 1], title=dict(text="Score"), showgrid=False)),
    )


def queue_age_figure(ages: Sequence[QueueAge]) -> go.Figure:
    """Undecided cases by age, waiting vs claimed."""
    labels = [a.label for a in ages]
    return go.Figure(
        data=[
            go.Bar(x=labels, y=[a.waiting for a in ages], name="Waiting", marker_color=REVIEW),
            go.Bar(x=labels, y=[a.claimed for a in ages], name="Claimed", marker_color=ACCENT),
        ],
        layout=_layout(barmode="stack", xaxis=dict(automargin=True, showgrid=False, title=dict(text="Age"))),
    )


def quality_figure(weeks: Sequence[WeeklyQuality]) -> go.Figure:
    """Weekly precision and recall of review-or-decline against labels (gaps where undefined)."""
    x = [w.week.isoformat() for w in weeks]
    return go.Figure(
        data=[
            go.Scatter(
                x=x,
                y=[w.precision for w in weeks],
                name="Precision",
                mode="lines+markers",
                line=dict(color=PRIMARY, width=2),
                customdata=[w.labelled for w in weeks],
                hovertemplate="week of %{x|%d %b}<br>precision %{y:.2f} (%{customdata} labelled)<extra></extra>",
            ),
            go.Scatter(
                x=x,
                y=[w.recall for w in weeks],
                name="Recall",
                mode="lines+markers",
                line=dict(color=MUTED, width=2, dash="dot"),
                hovertemplate="week of %{x|%d %b}<br>recall %{y:.2f}<extra></extra>",
            ),
        ],
        layout=_layout(
            xaxis=dict(automargin=True, type="date", tickformat="%d %b", showgrid=False),
            yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, range=[0, 1.05], tickformat=".0%"),
        ),
    )


def top_rules_figure(rules: Sequence[tuple[str, int]]) -> go.Figure:
    """Horizontal bars, the most frequent flag on top."""
    return go.Figure(
        data=[
            go.Bar(
                x=[count for _, count in rules],
                y=[name for name, _ in rules],
                orientation="h",
                marker_color=DECLINE,
                name="Hits",
                hovertemplate="%{y}: %{x} payments<extra></extra>",
            )
        ],
        layout=_layout(showlegend=False, yaxis=dict(automargin=True, autorange="reversed", showgrid=False)),
    )
