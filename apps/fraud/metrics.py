"""Prometheus metrics of fraud scoring (served with every other metric at /metrics, apps.core.observability_metrics).

Counters and histograms are updated as payments are scored; model precision and recall are
computed when Prometheus scrapes, from the labelled assessments of the last 30 days, with one
aggregate query (labels arrive late, so a running counter could not know them).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.fraud.models import Assessment, Decision

if TYPE_CHECKING:
    from collections.abc import Sequence

QUALITY_WINDOW = timedelta(days=30)

DECISIONS = Counter("fraud_decisions_total", "Payments scored, by decision.", ["decision"])
SCORES = Histogram("fraud_score", "Final risk score of scored payments.", buckets=[i / 20 for i in range(1, 21)])
LATENCY = Histogram(
    "fraud_scoring_latency_seconds",
    "Time to score one call (a single payment or a batch).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
FALLBACKS = Counter("fraud_fallback_total", "Payments scored by rules only (model missing, failing or too slow).")


def scoring_observe(*, assessments: Sequence[Assessment], seconds: float) -> None:
    LATENCY.observe(seconds)
    for assessment in assessments:
        DECISIONS.labels(decision=assessment.decision).inc()
        SCORES.observe(assessment.score)
        if assessment.fallback:
            FALLBACKS.inc()


def decision_quality(*, since) -> dict[str, float | None]:
    """Precision and recall of "review or decline" against labels, over assessments since `since`."""
    flagged = Q(decision__in=[Decision.REVIEW, Decision.DECLINE])
    fraud = Q(payment__is_fraud=True)
    counts = Assessment.objects.filter(created_at__gte=since, payment__is_fraud__isnull=False).aggregate(
        flagged=Count("pk", filter=flagged), caught=Count("pk", filter=flagged & fraud), frauds=Count("pk", filter=fraud)
    )
    return {
        "precision": counts["caught"] / counts["flagged"] if counts["flagged"] else None,
        "recall": counts["caught"] / counts["frauds"] if counts["frauds"] else None,
    }


class DecisionQualityCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        quality = decision_quality(since=timezone.now() - QUALITY_WINDOW)
        for name, value in quality.items():
            gauge = GaugeMetricFamily(
                f"fraud_model_{name}",
                f"{name.title()} of review/decline decisions against labels, assessments of the last 30 days (NaN: no labels).",
            )
            gauge.add_metric([], float("nan") if value is None else value)
            yield gauge

    def describe(self) -> Iterable:
        return []


REGISTRY.register(DecisionQualityCollector())

