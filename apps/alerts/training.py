"""Training the alert recommender from shoppers' payments and the alerts they chose.

Labels: once `ALERTS_MIN_PREFERENCE_CUSTOMERS` shoppers have chosen alerts, the model learns
from their choices only. Before that (a new marketplace, the demo), every shopper with
payments joins the neighbourhood and those who chose nothing are labelled by the heuristics
of seed 002 (top-decile spend -> high spender, ...); explanations say when a suggestion
rests on such spending patterns rather than on people's choices.

Promotion (apps.mlops.gates, "alerts"): every trained model passes the gate. It is an index of today's shoppers rather than a
fitted predictor to beat, and the weekly retraining exists to replace last week's neighbours;
the leave-one-out precision and recall on the model card show how well neighbours agree.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
from django.conf import settings
from django.utils import timezone

from apps.alerts.recommendations import MODEL_NAME
from apps.alerts.selectors import alert_payments_frame, monthly_limits, preference_labels
from apps.mlops.gates import gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.services import ModelCard, model_register
from apps.mlops.validation import window_validate
from ml.alerts.features import FEATURES, WINDOW_DAYS, customer_features
from ml.alerts.heuristics import heuristic_labels, heuristic_thresholds
from ml.alerts.knn import FROM_PREFERENCES, FROM_SPENDING, AlertRecommender
from ml.alerts.types import ALERT_KEYS
from ml.validation import DataSpec

MIN_CUSTOMERS = 10
MIN_PAYMENTS = 100
"""Seed 002: at least 10 shoppers with payments and 100 payments in all."""
WINDOW = DataSpec(
    what="payments",
    required=("customer_id", "amount", "timestamp"),
    ranges={"amount": (0.0, None), "latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)},
)


def alerts_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    now = options.until or timezone.now()
    since = max(options.since, now - timedelta(days=WINDOW_DAYS)) if options.since else now - timedelta(days=WINDOW_DAYS)
    report(0.05, "loading payments")
    payments, currency = alert_payments_frame(since=since, until=now)
    shoppers = payments["customer_id"].nunique()
    if shoppers < MIN_CUSTOMERS or len(payments) < MIN_PAYMENTS:
        raise TrainingRefused(
            f"not enough data: {len(payments):,} payments by {shoppers:,} shoppers in the last {WINDOW_DAYS} days, "
            f"at least {MIN_PAYMENTS} payments by {MIN_CUSTOMERS} shoppers are needed "
            "(import transactions with `manage.py import_data transactions FILE.csv`)"
        )
    window_validate(payments, WINDOW)
    report(0.2, f"computing {len(FEATURES)} features for {shoppers:,} shoppers")
    chosen = preference_labels()
    features = customer_features(payments, now=now, customers=chosen.index, limits=monthly_limits())
    thresholds = heuristic_thresholds(features)
    if len(chosen) >= settings.ALERTS_MIN_PREFERENCE_CUSTOMERS:
        mode = "preferences"
        features = features.loc[chosen.index]
        labels = chosen
        sources = pd.Series(FROM_PREFERENCES, index=chosen.index)
    else:
        mode = "preferences seeded with heuristic labels"
        labels = heuristic_labels(features, thresholds)
        labels.loc[chosen.index] = chosen.reindex(columns=labels.columns).to_numpy()
        sources = pd.Series(FROM_SPENDING, index=features.index)
        sources.loc[chosen.index] = FROM_PREFERENCES
    report(0.6, f"indexing {len(features):,} shoppers ({mode})")
    model = AlertRecommender(k=settings.ALERTS_NEIGHBOURS, threshold=settings.ALERTS_RECOMMENDATION_THRESHOLD).fit(
        features, labels, sources=sources, thresholds=thresholds, currency=currency
    )
    report(0.75, "leave-one-out check of the neighbourhoods")
    metrics = model.leave_one_out()
    card = ModelCard(
        metrics=metrics,
        parameters={
            "k": model.k,
            "threshold": model.threshold,
            "metric": "cosine",
            "labels": mode,
            "heuristic_thresholds": thresholds.as_dict(),
            "window_days": WINDOW_DAYS,
            "currency": currency,
        },
        features=list(FEATURES),
        data_start=since,
        data_end=now,
        row_counts={
            "payments": len(payments),
            "shoppers": len(features),
            "with_preferences": len(chosen),
            **{f"labelled_{key}": int(labels[key].sum()) for key in ALERT_KEYS},
        },
    )
    report(0.9, "registering the model")
    version = model_register(name=MODEL_NAME, obj=model, card=card, trained_by=options.actor)
    gate = gate_decide(version=version, force=options.promote, actor=options.actor)
    reason = (
        f"{gate.reason}: neighbourhoods of {len(features):,} shoppers ({mode}); "
        f"leave-one-out precision {metrics['precision']:.2f}, recall {metrics['recall']:.2f}"
    )
    report(0.98, f"{version}: {reason}")
    summary = [
        ("shoppers", f"{len(features):,}"),
        ("payments", f"{len(payments):,}"),
        ("labels", mode),
        ("with preferences", f"{len(chosen):,}"),
        ("leave-one-out precision", f"{metrics['precision']:.3f}"),
        ("leave-one-out recall", f"{metrics['recall']:.3f}"),
    ]
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=reason, summary=summary)
