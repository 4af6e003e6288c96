"""Prometheus gauges of the model registry, computed when /metrics is scraped: model age and latest drift."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.mlops.models import DriftReport, ModelVersion, Stage


class ModelCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        age = GaugeMetricFamily("model_age_seconds", "Seconds since the production version was trained.", labels=["model"])
        drift = GaugeMetricFamily(
            "model_drift_max_psi", "Largest feature PSI of the latest drift report of the production version.", labels=["model"]
        )
        score = GaugeMetricFamily(
            "model_score_drift_psi", "PSI of the score distribution in the latest drift report.", labels=["model"]
        )
        latest = DriftReport.objects.filter(model_version=OuterRef("pk")).order_by("-created_at")
        now = timezone.now()
        versions = ModelVersion.objects.filter(stage=Stage.PRODUCTION).annotate(
            max_psi=Subquery(latest.values("max_psi")[:1]), score_drift=Subquery(latest.values("score")[:1])
        )
        for version in versions:
            age.add_metric([version.name], (now - version.created_at).total_seconds())
            if version.max_psi is not None:
                drift.add_metric([version.name], version.max_psi)
            if isinstance(version.score_drift, dict) and version.score_drift.get("psi") is not None:
                score.add_metric([version.name], version.score_drift["psi"])
        yield from (age, drift, score)

    def describe(self) -> Iterable:
        return []


REGISTRY.register(ModelCollector())
