"""What each segment is: size, revenue share, order value, favourite categories and products,
churn risk and its name and persona, computed from one scope's features and order lines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.segments.persona import persona, segment_names
from ml.segments.rfm import AT_RISK_GROUPS

TOP_N = 5


def segment_insights(
    *,
    features: pd.DataFrame,
    labels: np.ndarray,
    centroids: np.ndarray,
    feature_names: list[str],
    lines: pd.DataFrame,
    rfm_groups: pd.Series,
    p_alive: pd.Series | None,
) -> list[dict]:
    """One dict per K-Means label (in label order): name, persona and stats.

    `lines`: customer_id, title, category, quantity, line_total of the scope's order items.
    `p_alive`: BG/NBD probability alive per customer, or None when the history is too small for
    the model; churn risk is then the share of customers in RFM's lapsing groups.
    """
    names = segment_names(centroids, feature_names)
    members = pd.Series(labels, index=features.index)
    total_revenue = float(features["monetary"].sum()) or 1.0
    overall = features.mean(numeric_only=True).to_dict()
    lines = lines.assign(segment=lines["customer_id"].map(members))
    out: list[dict] = []
    for label, name in enumerate(names):
        ids = members.index[members.to_numpy() == label]
        frame = features.loc[ids]
        own = lines[lines["segment"] == label]
        categories = own.groupby(own["category"].fillna("Uncategorised"))["quantity"].sum().sort_values(ascending=False)
        products = own.groupby("title")["quantity"].sum().sort_values(ascending=False).head(TOP_N)
        category_total = float(categories.sum()) or 1.0
        top_categories = [(str(c), float(q) / category_total) for c, q in categories.head(TOP_N).items()]
        groups = rfm_groups.reindex(ids)
        if p_alive is not None:
            churn_risk, churn_basis = float(1.0 - p_alive.reindex(ids).mean()), "BG/NBD probability not alive"
        else:
            churn_risk, churn_basis = float(groups.isin(AT_RISK_GROUPS).mean()), "share in lapsing RFM groups"
        means = frame.mean(numeric_only=True).to_dict()
        revenue = float(frame["monetary"].sum())
        orders = float(frame["frequency"].sum()) or 1.0
        out.append(
            {
                "key": label,
                "name": name,
                "persona": persona(
                    name=name,
                    centroid=centroids[label],
                    feature_names=feature_names,
                    segment_means=means,
                    overall_means=overall,
                    top_category=top_categories[0] if top_categories else None,
                ),
                "stats": {
                    "size": len(ids),
                    "size_share": len(ids) / max(len(features), 1),
                    "revenue": revenue,
                    "revenue_share": revenue / total_revenue,
                    "aov": revenue / orders,
                    "orders_per_customer": float(frame["frequency"].mean()),
                    "median_recency_days": float(frame["recency_days"].median()),
                    "top_categories": [{"name": c, "share": s} for c, s in top_categories],
                    "top_products": [{"title": str(t), "quantity": int(q)} for t, q in products.items()],
                    "churn_risk": churn_risk,
                    "churn_basis": churn_basis,
                    "rfm_groups": {str(g): int(n) for g, n in groups.value_counts().items()},
                    "feature_means": {k: float(v) for k, v in means.items()},
                },
            }
        )
    return out
