"""The risk page's chart: how many customers and sellers fall in each band."""
from __future__ import annotations

import plotly.graph_objects as go

from apps.dashboard.charts import Chart, EmptyState, chart_layout, figure_json
from apps.risk.models import Band

BAND_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#7f8c8d"}
NO_SCORES = EmptyState(
    "No risk scores yet. They are refreshed nightly from the fraud, bot and abuse detectors' signals.",
    "python manage.py refresh_risk_scores",
)


def band_chart(counts: dict[str, dict[str, int]]) -> Chart:
    subjects = [subject for subject, bands in counts.items() if any(bands.values())] or list(counts)
    figure = go.Figure(
        data=[
            go.Bar(
                name=band,
                x=[f"{subject}s" for subject in subjects],
                y=[counts[subject][band] for subject in subjects],
                marker_color=BAND_COLOURS[band],
                hovertemplate=f"%{{x}}, {band} risk: %{{y}}<extra></extra>",
            )
            for band in Band.values
        ],
        layout=chart_layout(legend_on_top=True, barmode="stack"),
    )
    has_data = any(any(bands.values()) for bands in counts.values())
    return Chart("chart-risk-bands", "Subjects per risk band", figure_json(figure), has_data=has_data, empty=NO_SCORES)
