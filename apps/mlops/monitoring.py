"""Watching production models: prediction logging, daily drift reports and alerts.

Each production model is compared with the reference profile stored with its version (built at
training time, `ml.monitoring.drift.reference_profile`). Recent predictions come from a source
per model: `PREDICTION_SOURCES` names a function for models whose predictions are stored anyway
(fraud assessments hold every scored payment's features and score); any other model logs a
sample of its predictions with `prediction_log`, and is read from `PredictionLog`.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.core.notifications import notify
from apps.mlops.models import DriftReport, ModelVersion, PredictionLog, Stage
from ml.monitoring.drift import drift_report, feature_drift

logger = logging.getLogger(__name__)

FEATURE_DTYPE = np.dtype("<f8")
SCORE = "score"
"""The reference profile's entry for the model's output."""


@dataclass(frozen=True)
class RecentPredictions:
    matrix: np.ndarray
    names: list[str]
    scores: np.ndarray
    performance: dict = field(default_factory=dict)
    """Labelled performance in the window (e.g. fraud precision/recall), {} when the model has no labels."""


PredictionSource = Callable[[ModelVersion, datetime, datetime, int], RecentPredictions]

PREDICTION_SOURCES: dict[str, str] = {
    "fraud": "apps.fraud.monitoring.recent_fraud_predictions",
}


def prediction_log(*, version: ModelVersion, features: Sequence[float], score: float | None) -> None:
    """Keep this prediction with probability MONITORING_SAMPLE_RATE (all of them at 1.0)."""
    if random.random() < settings.MONITORING["SAMPLE_RATE"]:
        PredictionLog.objects.create(model_version=version, features=packed_features(features), score=score)


def packed_features(features: Sequence[float]) -> bytes:
    return np.asarray(features, dtype=FEATURE_DTYPE).tobytes()


def logged_predictions(version: ModelVersion, since: datetime, until: datetime, limit: int) -> RecentPredictions:
    """The default source: the newest `limit` logged predictions of `version` in the window."""
    rows = list(
        PredictionLog.objects.filter(model_version=version, created_at__gte=since, created_at__lt=until)
        .order_by("-created_at")
        .values_list("features", "score")[:limit]
    )
    width = len(version.features)
    matrix = np.frombuffer(b"".join(bytes(features) for features, _ in rows), dtype=FEATURE_DTYPE).reshape(len(rows), width)
    scores = np.array([np.nan if score is None else score for _, score in rows], dtype=np.float64)
    return RecentPredictions(matrix=matrix, names=list(version.features), scores=scores)


def _source(name: str) -> PredictionSource:
    return import_string(PREDICTION_SOURCES[name]) if name in PREDICTION_SOURCES else logged_predictions


def drift_check(*, version: ModelVersion, now: datetime | None = None) -> DriftReport:
    """Compare the last MONITORING_WINDOW_HOURS of `version`'s predictions with its training reference."""
    config = settings.MONITORING
    until = now or timezone.now()
    since = until - timedelta(hours=config["WINDOW_HOURS"])
    recent = _source(version.name)(version, since, until, config["MAX_ROWS"])
    report = DriftReport(model_version=version, window_start=since, window_end=until, rows=len(recent.scores))
    report.performance = recent.performance
    profile = version.reference or {}
    if not profile.get("features") or len(recent.scores) < config["MIN_ROWS"]:
        report.status = DriftReport.Status.NO_DATA
        report.reasons = [_no_data_reason(profile, len(recent.scores), config["MIN_ROWS"])]
        report.save()
        return report
    drifts = drift_report(profile, recent.matrix, recent.names)
    report.features = [d.as_dict() for d in drifts]
    report.max_psi = max((d.psi for d in drifts), default=None)
    if SCORE in profile["features"]:
        report.score = feature_drift(SCORE, profile["features"][SCORE], recent.scores).as_dict()
    report.status, report.reasons = _verdict(drifts, report.score, recent.performance, config)
    report.save()
    if report.status == DriftReport.Status.ALERT:
        _alert(report)
    return report


def _no_data_reason(profile: dict, rows: int, needed: int) -> str:
    if not profile.get("features"):
        return "this version has no training reference (trained before monitoring existed): retrain it"
    return f"{rows} predictions in the window, at least {needed} are needed for a drift check"


def _verdict(drifts, score: dict | None, performance: dict, config: dict) -> tuple[str, list[str]]:
    reasons = [f"{d.name}: PSI {d.psi:.2f}" for d in drifts if d.severity == "alert"]
    warnings = [f"{d.name}: PSI {d.psi:.2f}" for d in drifts if d.severity == "warning"]
    if score and score["severity"] != "ok":
        (reasons if score["severity"] == "alert" else warnings).append(f"score distribution: PSI {score['psi']:.2f}")
    for metric, floor in config["MIN_PERFORMANCE"].items():
        value = performance.get(metric)
        if value is not None and value < floor:
            reasons.append(f"{metric} {value:.2f} below {floor:.2f} on labelled predictions")
    if reasons:
        return DriftReport.Status.ALERT, reasons + warnings
    if warnings:
        return DriftReport.Status.WARNING, warnings
    return DriftReport.Status.OK, []


def _alert(report: DriftReport) -> None:
    version = report.model_version
    logger.warning("model drift alert for %s: %s", version, "; ".join(report.reasons))
    try:
        notify(
            merchant_id=None,
            payload={"kind": "model_drift", "model": version.name, "version": version.version, "reasons": report.reasons},
        )
    except Exception:  # a channel layer that is down must not lose the stored report
        logger.exception("could not push the drift alert for %s", version)


def drift_check_all(*, now: datetime | None = None) -> list[DriftReport]:
    """A report for every production model (the daily task)."""
    return [drift_check(version=version, now=now) for version in ModelVersion.objects.filter(stage=Stage.PRODUCTION)]
