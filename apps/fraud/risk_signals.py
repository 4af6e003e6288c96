"""The fraud model's evidence about customers, in the shape the per-customer risk score combines.

A customer's fraud signal is the strongest evidence among their recent payments: a payment
confirmed as fraud (by an analyst, a chargeback or an import) counts as certainty; otherwise the
highest calibrated score the live scorer gave, which is the model's probability that the payment
is fraud. Customers whose payments all scored low are left out: no signal is not a signal of 0.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from apps.orders.models import Payment
from ml.risk.signals import RiskSignal

WINDOW = timedelta(days=90)
MIN_SCORE = 0.2
"""below this, a customer's highest payment score says nothing worth an analyst's time"""


def risk_signals(*, customer_ids: Iterable[int] | None = None, merchant_ids: Iterable[int] | None = None) -> list[RiskSignal]:
    payments = Payment.objects.filter(timestamp__gte=timezone.now() - WINDOW, assessment__isnull=False)
    if merchant_ids is not None:
        payments = payments.filter(merchant_id__in=list(merchant_ids))
    if customer_ids is not None:
        payments = payments.filter(customer_id__in=list(customer_ids))
    rows = payments.values("customer_id").annotate(
        payments=Count("id"),
        confirmed=Count("id", filter=Q(is_fraud=True)),
        declined=Count("id", filter=Q(assessment__decision="decline")),
        reviewed=Count("id", filter=Q(assessment__decision="review")),
        top_score=Max("assessment__score"),
        latest=Max("timestamp"),
    )
    signals = []
    for row in rows:
        if row["confirmed"]:
            score = 1.0
            reason = f"{row['confirmed']} of {row['payments']} payments in 90 days confirmed as fraud"
        elif row["top_score"] >= MIN_SCORE:
            score = float(row["top_score"])
            reason = (
                f"highest payment risk {score:.2f} in 90 days; {row['declined']} declined and "
                f"{row['reviewed']} sent to review of {row['payments']}"
            )
        else:
            continue
        signals.append(RiskSignal("fraud", "customer", row["customer_id"], score, reason, row["latest"]))
    return signals
