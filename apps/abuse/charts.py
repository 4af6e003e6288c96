"""The ring graph as a Plotly network figure: networkx spring-layout positions, nodes coloured by kind."""
from __future__ import annotations

import plotly.graph_objects as go

from apps.abuse.models import Ring
from apps.dashboard.charts import ACCENT, MUTED, PRIMARY, Chart, EmptyState, chart_layout, figure_json
from ml.risk.rings import ring_layout

KIND_STYLE: dict[str, tuple[str, str, int]] = {
    # kind: (legend name, colour, marker size)
    "seller": ("Seller", "#dc2626", 22),
    "buyer": ("Buyer", PRIMARY, 14),
    "card": ("Card", "#f59e0b", 11),
    "device": ("Device", ACCENT, 11),
    "ip": ("IP address", MUTED, 9),
    "address": ("Address", "#10b981", 11),
    "staff": ("Seller staff login", "#7c3aed", 11),
}


def ring_figure(ring: Ring) -> go.Figure:
    positions = ring_layout(ring.nodes, ring.edges)
    traces: list[go.Scatter] = []
    for kinds, width, dash in ((("orders",), 2.0, "solid"), (None, 1.0, "dot")):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for edge in ring.edges:
            if (edge["kind"] in kinds) if kinds else edge["kind"] != "orders":
                (x0, y0), (x1, y1) = positions[edge["source"]], positions[edge["target"]]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
        line = dict(color="#9ca3af", width=width, dash=dash)
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, line=line))
    orders = {edge["source"]: edge["weight"] for edge in ring.edges if edge["kind"] == "orders"}
    for kind, (name, colour, size) in KIND_STYLE.items():
        nodes = [node for node in ring.nodes if node["kind"] == kind]
        if not nodes:
            continue
        traces.append(
            go.Scatter(
                x=[positions[node["id"]][0] for node in nodes],
                y=[positions[node["id"]][1] for node in nodes],
                mode="markers",
                name=name,
                marker=dict(color=colour, size=size, line=dict(color="white", width=1)),
                text=[_hover(node, orders) for node in nodes],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    hidden = dict(visible=False)
    return go.Figure(data=traces, layout=chart_layout(legend_on_top=True, xaxis=hidden, yaxis=hidden, height=460))


def _hover(node: dict, orders: dict[str, int]) -> str:
    text = f"{node['kind']}: {node['label']}"
    if node["id"] in orders:
        text += f"<br>{orders[node['id']]} orders at the seller"
    return text


def ring_charts(ring: Ring) -> list[Chart]:
    return [
        Chart(
            "chart-ring-graph",
            "Who is linked to whom",
            figure_json(ring_figure(ring)),
            has_data=bool(ring.nodes),
            empty=EmptyState("This ring has no stored graph.", "python manage.py detect_abuse"),
            wide=True,
        )
    ]
