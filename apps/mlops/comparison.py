"""Production and canary side by side: the answers each version gave since the canary started.

Both arms are read over the same window (since the canary's version started taking traffic), so
their score distributions, decision rates, labelled precision/recall and latency compare like
with like. Answers come from a source per model: fraud assessments already store every payment's
version, score, decision, latency and (later) label; other models read `ServedPrediction`, which
serving fills while a canary runs (apps.mlops.canary.canary_observe).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.utils.module_loading import import_string

from apps.mlops.models import Canary, ModelVersion, ServedPrediction
from apps.mlops.selectors import production_version

MAX_ROWS = 50_000
"""Newest answers read per arm: enough for stable rates, bounded for the page."""
HISTOGRAM_SAMPLE = 2_000
POSITIVE_DECISIONS = frozenset({"review", "decline"})
"""Fraud decisions that flag a payment, for labelled precision and recall."""


@dataclass(frozen=True)
class Answers:
    scores: np.ndarray
    decisions: list[str]
    latency_ms: np.ndarray
    labels: np.ndarray | None = None
    """1.0 fraud, 0.0 genuine, NaN unknown; None for models without labels."""


AnswerSource = Callable[[int, datetime, int], Answers]

COMPARISON_SOURCES: dict[str, str] = {
    "fraud": "apps.mlops.comparison.fraud_answers",
}


def fraud_answers(version_id: int, since: datetime, limit: int) -> Answers:
    """The fraud model's answers from the assessments (read here: fraud stores no separate log)."""
    from apps.fraud.models import Assessment  # mlops does not import fraud at module level

    rows = list(
        Assessment.objects.filter(model_version_id=version_id, created_at__gte=since)
        .order_by("-created_at")
        .values_list("ml_score", "decision", "latency_ms", "payment__is_fraud")[:limit]
    )
    return Answers(
        scores=np.array([np.nan if r[0] is None else r[0] for r in rows], dtype=np.float64),
        decisions=[r[1] for r in rows],
        latency_ms=np.array([r[2] for r in rows], dtype=np.float64),
        labels=np.array([np.nan if r[3] is None else float(r[3]) for r in rows], dtype=np.float64),
    )


def served_answers(version_id: int, since: datetime, limit: int) -> Answers:
    rows = list(
        ServedPrediction.objects.filter(model_version_id=version_id, created_at__gte=since)
        .order_by("-created_at")
        .values_list("score", "decision", "latency_ms")[:limit]
    )
    return Answers(
        scores=np.array([np.nan if r[0] is None else r[0] for r in rows], dtype=np.float64),
        decisions=[r[1] for r in rows],
        latency_ms=np.array([r[2] for r in rows], dtype=np.float64),
    )


def _source(name: str) -> AnswerSource:
    return import_string(COMPARISON_SOURCES[name]) if name in COMPARISON_SOURCES else served_answers


@dataclass(frozen=True)
class ArmSummary:
    role: str
    version: int
    answers: int
    score_mean: float | None
    score_p50: float | None
    score_p90: float | None
    decision_rates: dict[str, float]
    labelled: int
    precision: float | None
    recall: float | None
    latency_mean_ms: float | None
    latency_p95_ms: float | None
    score_sample: list[float] = field(default_factory=list)


def _stat(values: np.ndarray, how: Callable[[np.ndarray], float]) -> float | None:
    present = values[np.isfinite(values)]
    return float(how(present)) if len(present) else None


def arm_summary(role: str, version: int, answers: Answers) -> ArmSummary:
    """Distribution, decision rates, labelled precision/recall (when labels exist) and latency of one arm."""
    total = len(answers.decisions)
    kinds = sorted(set(answers.decisions))
    rates = {kind: answers.decisions.count(kind) / total for kind in kinds} if total else {}
    precision = recall = None
    labelled = 0
    if answers.labels is not None and total:
        known = np.isfinite(answers.labels)
        labelled = int(known.sum())
        flagged = np.array([decision in POSITIVE_DECISIONS for decision in answers.decisions])
        fraud = known & (answers.labels == 1.0)
        hits = int((flagged & fraud).sum())
        flagged_known = int((flagged & known).sum())
        precision = hits / flagged_known if flagged_known else None
        recall = hits / int(fraud.sum()) if fraud.any() else None
    finite = answers.scores[np.isfinite(answers.scores)]
    return ArmSummary(
        role=role,
        version=version,
        answers=total,
        score_mean=_stat(answers.scores, np.mean),
        score_p50=_stat(answers.scores, lambda v: np.quantile(v, 0.5)),
        score_p90=_stat(answers.scores, lambda v: np.quantile(v, 0.9)),
        decision_rates=rates,
        labelled=labelled,
        precision=precision,
        recall=recall,
        latency_mean_ms=_stat(answers.latency_ms, np.mean),
        latency_p95_ms=_stat(answers.latency_ms, lambda v: np.quantile(v, 0.95)),
        score_sample=[float(v) for v in finite[:HISTOGRAM_SAMPLE]],
    )


@dataclass(frozen=True)
class CanaryComparison:
    canary: Canary
    arms: list[ArmSummary]
    """Production first (when there is one), then the canary."""


def canary_comparison(*, canary: Canary, limit: int = MAX_ROWS) -> CanaryComparison:
    source = _source(canary.name)
    arms = []
    production: ModelVersion | None = production_version(name=canary.name)
    if production is not None:
        arms.append(arm_summary("production", production.version, source(production.pk, canary.started_at, limit)))
    arms.append(arm_summary("canary", canary.version.version, source(canary.version_id, canary.started_at, limit)))
    return CanaryComparison(canary=canary, arms=arms)

