"""Plotly figures of the chat overview: pure functions of `ChatOverview`."""
from __future__ import annotations

import plotly.graph_objects as go

from apps.chat.overview import ChatOverview
from apps.dashboard.charts import ACCENT, PRIMARY, chart_layout, figure_json


def conversations_per_day_figure(overview: ChatOverview) -> go.Figure:
    days = [d.isoformat() for d, _ in overview.per_day]
    counts = [n for _, n in overview.per_day]
    return go.Figure(go.Bar(x=days, y=counts, marker_color=PRIMARY, name="conversations",
                            hovertemplate="%{x}: %{y} conversations<extra></extra>"), layout=chart_layout())


def top_intents_figure(overview: ChatOverview) -> go.Figure:
    intents = [i.replace("_", " ") for i, _ in reversed(overview.top_intents)]
    counts = [n for _, n in reversed(overview.top_intents)]
    return go.Figure(go.Bar(x=counts, y=intents, orientation="h", marker_color=ACCENT,
                            hovertemplate="%{y}: %{x} messages<extra></extra>"), layout=chart_layout())


def overview_charts(overview: ChatOverview) -> list[dict]:
    empty = {"message": "No conversations in the last 30 days.", "command": ""}
    return [
        {"title": "Conversations per day", "wide": True, "has_data": bool(overview.per_day),
         "element_id": "chart-chat-days", "data_element_id": "chart-chat-days-data",
         "figure": figure_json(conversations_per_day_figure(overview)), "empty": empty},
        {"title": "Top intents", "wide": False, "has_data": bool(overview.top_intents),
         "element_id": "chart-chat-intents", "data_element_id": "chart-chat-intents-data",
         "figure": figure_json(top_intents_figure(overview)), "empty": empty},
    ]
