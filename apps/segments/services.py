"""Writes: a scope's segmentation stored atomically, and a customer placed in the current
segmentation without retraining (dynamic assignment)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from apps.mlops.services import json_safe
from apps.segments.models import CustomerSegment, Segment, SegmentationRun
from apps.segments.segmentation import CLV_HORIZON_DAYS, ScopeSegmentation, next_order_dates, probabilities_row
from apps.segments.selectors import current_run, scope_frames
from ml.segments import clv
from ml.segments.clustering import nearest_centroid
from ml.segments.features import clustering_matrix, customer_features
from ml.segments.rfm import PROSPECTS, rfm_scores

BATCH_SIZE = 2000


def _float(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _score(value) -> int | None:
    return None if pd.isna(value) else int(value)


def segmentation_save(*, result: ScopeSegmentation, training_run=None, model_version=None) -> SegmentationRun:
    """Store a scope's run, segments and every customer's row in one transaction."""
    clustering = result.clustering
    with transaction.atomic():
        run = SegmentationRun.objects.create(
            merchant_id=result.merchant_id,
            method=clustering.params["method"],
            params=json_safe(result.params()),
            metrics=json_safe(clustering.metrics()),
            clv=json_safe(result.clv),
            customers=len(result.rfm),
            training_run=training_run,
            model_version=model_version,
            data_end=result.now,
        )
        segments = Segment.objects.bulk_create(
            [
                Segment(
                    run=run,
                    key=item["key"],
                    name=item["name"],
                    persona=item["persona"],
                    size=item["stats"]["size"],
                    stats=json_safe(item["stats"]),
                    centroid=[float(v) for v in clustering.centroids[item["key"]]],
                )
                for item in result.insights
            ]
        )
        by_key = {segment.key: segment for segment in segments}
        labels = dict(zip(result.features.index, clustering.labels, strict=True))
        probabilities = dict(zip(result.features.index, clustering.probabilities, strict=True))
        density = dict(zip(result.features.index, clustering.density_labels, strict=True))
        predictions = result.predictions
        rows = []
        for customer_id, scores in result.rfm.iterrows():
            bought = customer_id in labels
            predicted = predictions.loc[customer_id] if predictions is not None and customer_id in predictions.index else None
            features = result.features.loc[customer_id] if bought else None
            rows.append(
                CustomerSegment(
                    run=run,
                    customer_id=int(customer_id),
                    segment=by_key[int(labels[customer_id])] if bought else None,
                    r_score=_score(scores["r_score"]),
                    f_score=_score(scores["f_score"]),
                    m_score=_score(scores["m_score"]),
                    fm_score=_score(scores["fm_score"]),
                    rfm_group=scores["rfm_group"],
                    probabilities=probabilities_row(probabilities[customer_id]) if bought else [],
                    density_cluster=(int(density[customer_id]) if density[customer_id] > -2 else None) if bought else None,
                    predicted_orders_365d=_float(predicted["expected_orders"]) if predicted is not None else None,
                    predicted_value_365d=_float(predicted["expected_value"]) if predicted is not None else None,
                    p_alive=_float(predicted["p_alive"]) if predicted is not None else None,
                    expected_next_order=result.next_order.get(int(customer_id)),
                    monetary=float(features["monetary"]) if bought else 0.0,
                    frequency=int(features["frequency"]) if bought else 0,
                    recency_days=float(features["recency_days"]) if bought else None,
                    assigned_at=result.now,
                )
            )
        CustomerSegment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return run


def customer_segment_assign(*, customer_id: int, merchant_id: int | None) -> CustomerSegment | None:
    """Place a customer in the scope's current segmentation by nearest centroid, without retraining.

    Features come from the customer's own history in the scope, scaled as the run scaled its
    customers; RFM scores use the run's cut-points and CLV the run's fitted parameters. Returns
    None when the scope has no segmentation yet, or the customer has neither a purchase in it nor a row.
    """
    run = current_run(merchant_id=merchant_id)
    if run is None:
        return None
    now = timezone.now()
    stamp = pd.Timestamp(now)
    frames = scope_frames(merchant_id=merchant_id, customer_id=customer_id)
    features = customer_features(now=stamp, **frames)
    if customer_id not in features.index:
        # No purchase left in the scope (its only order was cancelled): a prospect again, if it had a row.
        CustomerSegment.objects.filter(run=run, customer_id=customer_id).update(
            segment=None,
            rfm_group=PROSPECTS,
            r_score=None,
            f_score=None,
            m_score=None,
            fm_score=None,
            probabilities=[],
            density_cluster=None,
            predicted_orders_365d=None,
            predicted_value_365d=None,
            p_alive=None,
            expected_next_order=None,
            monetary=0.0,
            frequency=0,
            recency_days=None,
            assigned_at=now,
            dynamic=True,
        )
        return CustomerSegment.objects.filter(run=run, customer_id=customer_id).first()
    params = run.params
    matrix, _ = clustering_matrix(features.loc[[customer_id]], params["features"])
    segments = list(run.segments.order_by("key"))
    index, _ = nearest_centroid(
        matrix[0],
        mean=np.array(params["scaler_mean"]),
        scale=np.array(params["scaler_scale"]),
        centroids=np.array([segment.centroid for segment in segments]),
    )
    row = features.loc[customer_id]
    scores = rfm_scores(features.loc[[customer_id], ["recency_days", "frequency", "monetary"]], params["rfm_edges"]).iloc[0]
    values = {
        "segment": segments[index],
        "r_score": _score(scores["r_score"]),
        "f_score": _score(scores["f_score"]),
        "m_score": _score(scores["m_score"]),
        "fm_score": _score(scores["fm_score"]),
        "rfm_group": scores["rfm_group"],
        "probabilities": [],
        "density_cluster": None,
        "monetary": float(row["monetary"]),
        "frequency": int(row["frequency"]),
        "recency_days": float(row["recency_days"]),
        "assigned_at": now,
        "dynamic": True,
        **_clv_values(run, frames["orders"], customer_id=customer_id, now=stamp),
    }
    membership, _ = CustomerSegment.objects.update_or_create(run=run, customer_id=customer_id, defaults=values)
    return membership


def _clv_values(run: SegmentationRun, orders: pd.DataFrame, *, customer_id: int, now: pd.Timestamp) -> dict:
    """The customer's CLV predictions under the run's fitted BG/NBD and Gamma-Gamma parameters."""
    if not run.clv_available:
        return {"predicted_orders_365d": None, "predicted_value_365d": None, "p_alive": None, "expected_next_order": None}
    summary = clv.summary_from_transactions(orders.rename(columns={"placed_at": "date", "total": "value"}), end=now)
    bgnbd, spend = clv.BgNbdParams(**run.clv["bgnbd"]), clv.GammaGammaParams(**run.clv["gamma_gamma"])
    predictions = clv.predict(bgnbd, spend, summary, horizon=CLV_HORIZON_DAYS)
    first = predictions.loc[customer_id]
    return {
        "predicted_orders_365d": float(first["expected_orders"]),
        "predicted_value_365d": float(first["expected_value"]),
        "p_alive": float(first["p_alive"]),
        "expected_next_order": next_order_dates(predictions, now=now).get(customer_id),
    }
