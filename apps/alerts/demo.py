"""Demo alert preferences that follow the shoppers' behaviour, so the KNN has choices to learn.

A share of shoppers (`VISIT_SHARE`) opened their alert settings; each of them turned on the
alerts their behaviour calls for (heuristic labels) with probability `MATCH_RATE` and any
other alert with `NOISE_RATE`, the way real choices follow needs loosely. Those who chose a
spending-limit alert get a limit 25% above their current monthly spend. Seeded, so a
rebuilt demo gets the same choices.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_UP, Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from apps.alerts.models import AlertPreference, AlertPreferenceLog, Source
from apps.alerts.selectors import alert_payments_frame
from apps.customers.models import Customer
from ml.alerts.features import WINDOW_DAYS, customer_features
from ml.alerts.heuristics import heuristic_labels, heuristic_thresholds
from ml.alerts.types import ALERT_KEYS

VISIT_SHARE = 0.4
MATCH_RATE = 0.7
NOISE_RATE = 0.04
LIMIT_HEADROOM = Decimal("1.25")


def demo_preferences_seed(*, seed: int = 2, always: Iterable[Customer] = ()) -> int:
    """Create demo preferences (and their log rows, source "demo"); returns how many were created.
    Customers in `always` (the demo shopper) opened their settings and turned on at least one of
    the alerts their behaviour calls for, if any."""
    now = timezone.now()
    payments, _ = alert_payments_frame(since=now - timedelta(days=WINDOW_DAYS), until=now)
    if payments.empty:
        return 0
    features = customer_features(payments, now=now)
    labels = heuristic_labels(features, heuristic_thresholds(features))
    rng = np.random.default_rng(seed)
    forced = {customer.pk for customer in always}
    visitors = [cid for cid in features.index if cid in forced or rng.random() < VISIT_SHARE]
    preferences, log = [], []
    for customer_id in visitors:
        chosen = [key for key in ALERT_KEYS if rng.random() < (MATCH_RATE if labels.at[customer_id, key] else NOISE_RATE)]
        if customer_id in forced and not chosen:  # the demo login shows at least one alert it needs
            chosen = [key for key in ALERT_KEYS if labels.at[customer_id, key]][:1]
        for key in chosen:
            limit = None
            if key == "near_credit_limit":
                spend = Decimal(str(max(features.at[customer_id, "monthly_spend"], 1.0)))
                limit = (spend * LIMIT_HEADROOM).quantize(Decimal("1"), rounding=ROUND_UP)
            preferences.append(AlertPreference(customer_id=customer_id, alert_type=key, enabled=True, monthly_limit=limit))
            log.append(
                AlertPreferenceLog(
                    customer_id=customer_id,
                    alert_type=key,
                    action=AlertPreferenceLog.Action.ENABLED,
                    monthly_limit=limit,
                    source=Source.DEMO,
                )
            )
    with transaction.atomic():
        created = AlertPreference.objects.bulk_create(preferences, ignore_conflicts=True, batch_size=2000)
        AlertPreferenceLog.objects.bulk_create(log, batch_size=2000)
    return len(created)
