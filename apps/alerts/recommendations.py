"""Serving alert recommendations: the production KNN when there is one, the heuristic rules
otherwise (before the first training, or when the artifact cannot be loaded - never a 500).

Features are computed from each shopper's payments at request time, so a purchase made today
moves them among their neighbours without waiting for the weekly retraining.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps.alerts.selectors import alert_payments_frame, decided_types, monthly_limits
from apps.customers.models import Customer
from apps.mlops.selectors import production_model
from ml.alerts.features import WINDOW_DAYS, customer_features
from ml.alerts.heuristics import HeuristicThresholds, heuristic_thresholds
from ml.alerts.knn import AlertRecommender, Recommendation, rule_recommendations

MODEL_NAME = "alerts"
THRESHOLDS_CACHE_SECONDS = 3600
THRESHOLDS_CACHE_KEY = "alerts:heuristic-thresholds"


@dataclass(frozen=True)
class CustomerRecommendations:
    customer: Customer
    source: str
    """"model" (the KNN) or "rules" (no production model)."""
    model_version: int | None
    recommendations: list[Recommendation]


def recommendations_for(*, customers: list[Customer], now: datetime | None = None) -> list[CustomerRecommendations]:
    """Recommendations for each customer, in the order given."""
    if not customers:
        return []
    now = now or timezone.now()
    ids = [customer.pk for customer in customers]
    payments, _ = alert_payments_frame(since=now - timedelta(days=WINDOW_DAYS), until=now, customer_ids=ids)
    features = customer_features(payments, now=now, customers=ids, limits=monthly_limits(customer_ids=ids))
    decided = decided_types(customer_ids=ids)
    loaded = production_model(name=MODEL_NAME)
    if loaded is not None and isinstance(loaded[1], AlertRecommender):
        version, model = loaded
        found = model.recommend(
            features.loc[ids],
            decided=decided,
            k=settings.ALERTS_NEIGHBOURS,
            threshold=settings.ALERTS_RECOMMENDATION_THRESHOLD,
        )
        return [CustomerRecommendations(c, "model", version.version, found[c.pk]) for c in customers]
    found = rule_recommendations(features.loc[ids], thresholds=population_thresholds(now=now), decided=decided)
    return [CustomerRecommendations(c, "rules", None, found[c.pk]) for c in customers]


def population_thresholds(*, now: datetime) -> HeuristicThresholds:
    """The heuristic cut-offs of today's shoppers, recomputed at most hourly (they move slowly,
    and computing them reads every payment of the window)."""
    cached = cache.get(THRESHOLDS_CACHE_KEY)
    if cached is not None:
        return HeuristicThresholds(**cached)
    payments, _ = alert_payments_frame(since=now - timedelta(days=WINDOW_DAYS), until=now)
    thresholds = heuristic_thresholds(customer_features(payments, now=now))
    cache.set(THRESHOLDS_CACHE_KEY, thresholds.as_dict(), THRESHOLDS_CACHE_SECONDS)
    return thresholds
