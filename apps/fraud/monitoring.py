"""The fraud model's recent predictions for drift monitoring, read from the assessments.

Every scored payment already stores its features and model score, so the fraud model needs no
separate prediction log. Labelled performance (precision and recall of review/decline decisions)
uses the last 30 days, not the drift window: labels arrive days or weeks after scoring.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np

from apps.fraud.metrics import QUALITY_WINDOW, decision_quality
from apps.fraud.models import Assessment
from apps.mlops.models import ModelVersion
from apps.mlops.monitoring import RecentPredictions


def recent_fraud_predictions(version: ModelVersion, since: datetime, until: datetime, limit: int) -> RecentPredictions:
    names = list(version.features)
    rows = list(
        Assessment.objects.filter(model_version=version, ml_score__isnull=False, created_at__gte=since, created_at__lt=until)
        .order_by("-created_at")
        .values_list("features", "ml_score")[:limit]
    )
    matrix = np.array(
        [[np.nan if features.get(name) is None else features[name] for name in names] for features, _ in rows],
        dtype=np.float64,
    ).reshape(len(rows), len(names))
    scores = np.array([score for _, score in rows], dtype=np.float64)
    quality = decision_quality(since=until - QUALITY_WINDOW)
    return RecentPredictions(matrix=matrix, names=names, scores=scores, performance=quality)
