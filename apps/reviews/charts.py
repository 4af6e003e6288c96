"""Plotly figures of review insights, built from `Insights` and nothing else (pure functions)."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from apps.dashboard.charts import GRID, MUTED, PRIMARY, Chart, EmptyState, chart_layout, figure_json
from apps.reviews.insights import AspectCount, Insights
from ml.text.topics import TopicModel

GOOD = "#16a34a"
BAD = "#dc2626"
NEUTRAL_GREY = "#d1d5db"

NO_ANALYSES = EmptyState(
    "No analysed reviews yet. New reviews are analysed as they arrive; analyse existing ones now:",
    "python manage.py analyze_reviews",
)
NO_ASPECTS = EmptyState("No review names an aspect (price, quality, delivery ...) yet.", "python manage.py analyze_reviews")
NO_TOPICS = EmptyState("Topics need at least 10 reviews with text.", "python manage.py import_data reviews FILE.csv")


def sentiment_over_time_figure(series: pd.DataFrame) -> go.Figure:
    """Weekly positive / neutral / negative review counts, with the negative share as a line."""
    weeks = [period.date().isoformat() for period in series["period"]]
    neutral = series["reviews"] - series["positive"] - series["negative"]
    bars = [("Positive", series["positive"], GOOD), ("Neutral", neutral, NEUTRAL_GREY), ("Negative", series["negative"], BAD)]
    return go.Figure(
        data=[
            *[
                go.Bar(x=weeks, y=[int(v) for v in values], name=name, marker_color=color,
                       hovertemplate=f"Week of %{{x|%d %b}}<br>%{{y}} {name.lower()}<extra></extra>")
                for name, values, color in bars
            ],
            go.Scatter(
                x=weeks,
                y=[None if pd.isna(v) else round(float(v) * 100, 1) for v in series["negative_share"]],
                name="Negative share",
                yaxis="y2",
                mode="lines+markers",
                line=dict(color=MUTED, width=2),
                hovertemplate="Week of %{x|%d %b}<br>%{y}% negative<extra></extra>",
            ),
        ],
        layout=chart_layout(legend_on_top=True, 
            barmode="stack",
            xaxis=dict(automargin=True, type="date", tickformat="%d %b", showgrid=False),
            yaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, title=dict(text="Reviews"), rangemode="tozero"),
            yaxis2=dict(automargin=True, overlaying="y", side="right", showgrid=False, range=[0, 100],
                        title=dict(text="% negative")),
        ),
    )


def aspect_figure(aspects: Sequence[AspectCount]) -> go.Figure:
    """Positive against negative mentions per aspect, most-mentioned on top."""
    labels = [a.aspect for a in aspects]
    return go.Figure(
        data=[
            go.Bar(y=labels, x=[a.positive for a in aspects], name="Positive", orientation="h", marker_color=GOOD,
                   hovertemplate="%{y}: %{x} positive<extra></extra>"),
            go.Bar(y=labels, x=[-a.negative for a in aspects], name="Negative", orientation="h", marker_color=BAD,
                   customdata=[a.negative for a in aspects], hovertemplate="%{y}: %{customdata} negative<extra></extra>"),
        ],
        layout=chart_layout(legend_on_top=True, 
            barmode="relative",
            yaxis=dict(automargin=True, autorange="reversed", showgrid=False),
            xaxis=dict(automargin=True, gridcolor=GRID, zeroline=True, zerolinecolor=MUTED, title=dict(text="Mentions")),
        ),
    )


def topic_figure(model: TopicModel) -> go.Figure:
    """Reviews per topic (labelled by top terms), and those fitting no topic."""
    labels = [topic.label for topic in model.topics] + ["(no topic)"]
    sizes = [topic.size for topic in model.topics] + [model.unassigned]
    colors = [PRIMARY] * len(model.topics) + [NEUTRAL_GREY]
    coherence = [f"coherence {t.coherence:+.2f}" for t in model.topics] + ["fits no topic"]
    return go.Figure(
        data=[go.Bar(y=labels, x=sizes, orientation="h", marker_color=colors, customdata=coherence,
                     hovertemplate="%{y}<br>%{x} reviews · %{customdata}<extra></extra>")],
        layout=chart_layout(
            yaxis=dict(automargin=True, autorange="reversed", showgrid=False),
            xaxis=dict(automargin=True, gridcolor=GRID, zeroline=False, title=dict(text="Reviews")),
        ),
    )


def insight_charts(insights: Insights) -> list[Chart]:
    return [
        Chart("chart-sentiment", "Sentiment over time", figure_json(sentiment_over_time_figure(insights.series)),
              has_data=insights.analysed > 0, empty=NO_ANALYSES, wide=True),
        Chart("chart-aspects", "Aspects: positive and negative mentions", figure_json(aspect_figure(insights.aspects)),
              has_data=bool(insights.aspects), empty=NO_ASPECTS),
        Chart("chart-topics", "Topics", figure_json(topic_figure(insights.topics)) if insights.topics else {},
              has_data=insights.topics is not None, empty=NO_TOPICS),
    ]


