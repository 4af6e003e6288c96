"""One scope's segmentation computed from its stored history: RFM, CLV (when the history is
large enough), clustering and insights. Pure computation over the selectors' frames; the
service writes the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from apps.segments.selectors import scope_customer_ids, scope_frames
from ml.segments import clv
from ml.segments.clustering import MIN_CUSTOMERS, ClusteringResult, cluster_customers
from ml.segments.features import clustering_matrix, customer_features
from ml.segments.insights import segment_insights
from ml.segments.rfm import rfm_edges, rfm_scores

CLV_HORIZON_DAYS = 365


@dataclass
class ScopeSegmentation:
    merchant_id: int | None
    now: datetime
    features: pd.DataFrame
    rfm: pd.DataFrame
    """RFM scores and group for every customer of the scope, prospects included."""
    clustering: ClusteringResult
    insights: list[dict]
    clv: dict
    predictions: pd.DataFrame | None
    rfm_edges: dict[str, list[float]]
    next_order: dict[int, date] = field(default_factory=dict)

    def params(self) -> dict:
        return {
            **self.clustering.params,
            "scaler_mean": [float(v) for v in self.clustering.scaler_mean],
            "scaler_scale": [float(v) for v in self.clustering.scaler_scale],
            "rfm_edges": self.rfm_edges,
            "clv_horizon_days": CLV_HORIZON_DAYS,
        }


class ScopeTooSmall(ValueError):
    """The scope has too few customers with orders to cluster; the message says how many."""


def clv_for(orders: pd.DataFrame, *, now: pd.Timestamp) -> tuple[dict, pd.DataFrame | None]:
    """BG/NBD + Gamma-Gamma on a scope's orders (days), or the reason there is not enough data yet."""
    transactions = orders.rename(columns={"placed_at": "date", "total": "value"})
    summary = clv.summary_from_transactions(transactions, end=now)
    history_days = float((now - orders["placed_at"].min()).total_seconds() / 86400.0)
    reason = clv.enough_history(summary, history_days=history_days)
    if reason is not None:
        return {"available": False, "reason": reason, "history_days": round(history_days, 1)}, None
    try:
        result = clv.fit_and_predict(summary, horizon=CLV_HORIZON_DAYS)
    except clv.NotEnoughData as exc:
        return {"available": False, "reason": str(exc), "history_days": round(history_days, 1)}, None
    info = {
        "available": True,
        "bgnbd": vars(result.bgnbd),
        "gamma_gamma": vars(result.gamma_gamma),
        "customers": len(summary),
        "history_days": round(history_days, 1),
        "horizon_days": CLV_HORIZON_DAYS,
        "expected_orders_total": float(result.predictions["expected_orders"].sum()),
        "expected_value_total": float(result.predictions["expected_value"].sum()),
    }
    return info, result.predictions


def next_order_dates(predictions: pd.DataFrame, *, now: pd.Timestamp) -> dict[int, date]:
    """Expected next order date of customers more likely alive than not (the others get none)."""
    alive = predictions[predictions["p_alive"] >= 0.5]
    return {int(cid): (now + pd.Timedelta(days=float(gap))).date() for cid, gap in alive["expected_gap"].items()}


def segment_scope(*, merchant_id: int | None, now: datetime) -> ScopeSegmentation:
    """Compute the whole segmentation of one scope; ScopeTooSmall when it cannot be clustered."""
    stamp = pd.Timestamp(now)
    frames = scope_frames(merchant_id=merchant_id)
    features = customer_features(now=stamp, **frames)
    if len(features) < MIN_CUSTOMERS:
        raise ScopeTooSmall(f"{len(features)} customers with orders, at least {MIN_CUSTOMERS} are needed")
    matrix, names = clustering_matrix(features)
    try:
        clustering = cluster_customers(matrix, names)
    except ValueError as exc:
        raise ScopeTooSmall(str(exc)) from exc
    population = (
        features[["recency_days", "frequency", "monetary"]]
        .reindex(pd.Index(sorted(set(scope_customer_ids(merchant_id=merchant_id)) | set(features.index)), name="customer_id"))
        .fillna({"frequency": 0.0, "monetary": 0.0})
    )
    edges = rfm_edges(population)
    rfm = rfm_scores(population, edges)
    clv_info, predictions = clv_for(frames["orders"], now=stamp)
    items = frames["items"].merge(frames["orders"][["order_id", "customer_id"]], on="order_id")
    lines = items.assign(line_total=items["unit_price"] * items["quantity"])
    insights = segment_insights(
        features=features,
        labels=clustering.labels,
        centroids=clustering.centroids,
        feature_names=names,
        lines=lines,
        rfm_groups=rfm["rfm_group"],
        p_alive=predictions["p_alive"] if predictions is not None else None,
    )
    if predictions is not None:
        value = predictions["expected_value"].groupby(pd.Series(clustering.labels, index=features.index)).sum()
        total = float(value.sum()) or 1.0
        for item in insights:
            item["stats"]["predicted_value_365d"] = float(value.get(item["key"], 0.0))
            item["stats"]["predicted_value_share"] = float(value.get(item["key"], 0.0)) / total
    return ScopeSegmentation(
        merchant_id=merchant_id,
        now=now,
        features=features,
        rfm=rfm,
        clustering=clustering,
        insights=insights,
        clv=clv_info,
        predictions=predictions,
        rfm_edges=edges,
        next_order=next_order_dates(predictions, now=stamp) if predictions is not None else {},
    )


def probabilities_row(probabilities: np.ndarray) -> list[float]:
    return [round(float(p), 4) for p in probabilities]
