"""Plotly figures of the Bot sessions pages: pure functions of selector output."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from apps.bots.models import BotSession
from apps.dashboard.charts import ACCENT, GRID, MUTED, PRIMARY, Chart, EmptyState, chart_layout, figure_json
from apps.events.models import Event

SCORE_COMMAND = "python manage.py score_bot_sessions --days 7"
TYPE_ORDER = ["search", "view", "wishlist", "add_to_cart", "remove_from_cart", "checkout", "purchase", "impression", "click"]


def per_day_figure(days: Sequence[tuple[date, int]]) -> go.Figure:
    return go.Figure(
        data=[go.Bar(x=[d.isoformat() for d, _ in days], y=[n for _, n in days], marker_color=PRIMARY,
                     hovertemplate="%{x|%d %b}: %{y} sessions<extra></extra>")],
        layout=chart_layout(
            xaxis=dict(automargin=True, type="date", tickformat="%d %b", showgrid=False),
            yaxis=dict(automargin=True, gridcolor=GRID, title=dict(text="flagged sessions"), rangemode="tozero"),
            bargap=0.2,
        ),
    )


def scatter_figure(sessions: Sequence[BotSession]) -> go.Figure:
    """Speed against regularity: bots sit to the right (fast) and at the bottom (metronome-regular)."""
    return go.Figure(
        data=[go.Scatter(
            x=[s.features.get("events_per_minute") for s in sessions],
            y=[s.features.get("interval_cv") for s in sessions],
            mode="markers",
            marker=dict(color=[s.score for s in sessions], colorscale=[[0, ACCENT], [1, PRIMARY]], size=9, opacity=0.8,
                        colorbar=dict(title=dict(text="score"), thickness=10)),
            text=[s.session_id for s in sessions],
            hovertemplate="%{text}<br>%{x:.1f} events/min, CV %{y:.2f}<extra></extra>",
        )],
        layout=chart_layout(
            xaxis=dict(automargin=True, type="log", gridcolor=GRID, title=dict(text="events per minute (log)")),
            yaxis=dict(automargin=True, gridcolor=GRID, title=dict(text="variation of time between events (CV)")),
        ),
    )


def timeline_figure(events: Sequence[Event]) -> go.Figure:
    """Each event at its second into the session, one row per event type."""
    if not events:
        return go.Figure(layout=chart_layout())
    start = events[0].timestamp
    kinds = [t for t in TYPE_ORDER if any(e.type == t for e in events)]
    return go.Figure(
        data=[
            go.Scatter(
                x=[(e.timestamp - start).total_seconds() for e in events if e.type == kind],
                y=[kind] * sum(e.type == kind for e in events),
                mode="markers",
                name=kind,
                marker=dict(size=7, color=PRIMARY if kind == "view" else ACCENT if kind == "add_to_cart" else MUTED),
                text=[e.product.title if e.product else e.query for e in events if e.type == kind],
                hovertemplate="%{x:.1f} s: %{y}<br>%{text}<extra></extra>",
            )
            for kind in kinds
        ],
        layout=chart_layout(
            xaxis=dict(automargin=True, gridcolor=GRID, title=dict(text="seconds into the session"), rangemode="tozero"),
            yaxis=dict(automargin=True, showgrid=False, categoryorder="array", categoryarray=kinds),
        ),
    )


NO_SESSIONS = EmptyState("No bot sessions flagged. Sessions are scored every 15 minutes; older ones with:", SCORE_COMMAND)


def list_charts(*, days: Sequence[tuple[date, int]], sessions: Sequence[BotSession]) -> list[Chart]:
    return [
        Chart("chart-bots-per-day", "Flagged sessions per day", figure_json(per_day_figure(days)), bool(days), NO_SESSIONS),
        Chart("chart-bots-scatter", "Speed and regularity of flagged sessions", figure_json(scatter_figure(sessions)),
              bool(sessions), NO_SESSIONS),
    ]


def timeline_chart(events: Sequence[Event]) -> Chart:
    return Chart("chart-bot-timeline", "Event timeline", figure_json(timeline_figure(events)), bool(events),
                 EmptyState("The session's events are no longer stored.", ""), wide=True)
