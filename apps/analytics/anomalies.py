"""KPI anomalies: after a rollup run, flag each merchant's latest complete day when a KPI leaves
its Bollinger band, store it once (per merchant, KPI and day), and push it to the merchant's staff.

The latest *complete* day is yesterday (UTC) or the last day with data if that is earlier:
today's partial figures would always look like a collapse.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from apps.analytics.filters import Filters, latest_day
from apps.analytics.models import KpiAnomaly
from apps.analytics.selectors import BAND_STD, BAND_WINDOW, KPI_LABELS, kpi_series
from apps.core.notifications import notify
from ml.analytics.bollinger import bollinger_bands

logger = logging.getLogger(__name__)


def anomalies_detect(*, merchant_id: int, today: date) -> list[KpiAnomaly]:
    """Flag the merchant's latest complete day; returns the anomalies created by this call."""
    last = latest_day((merchant_id,))
    if last is None:
        return []
    day = min(last, today - timedelta(days=1))
    history = Filters(start=day - timedelta(days=BAND_WINDOW), end=day, merchant_ids=(merchant_id,))
    created = []
    for kpi, values in kpi_series(history).items():
        bands = bollinger_bands([float("nan") if v is None else v for v in values], window=BAND_WINDOW, num_std=BAND_STD)
        if not bands.flags[-1]:
            continue
        try:
            with transaction.atomic():
                anomaly = KpiAnomaly.objects.create(
                    merchant_id=merchant_id,
                    kpi=kpi,
                    day=day,
                    value=values[-1],
                    expected=bands.middle[-1],
                    lower=bands.lower[-1],
                    upper=bands.upper[-1],
                    direction=bands.flags[-1],
                )
        except IntegrityError:  # already flagged by an earlier run: idempotent
            continue
        created.append(anomaly)
        transaction.on_commit(lambda a=anomaly: _announce(a))
    return created


def _announce(anomaly: KpiAnomaly) -> None:
    direction = "above" if anomaly.direction > 0 else "below"
    try:
        notify(
            merchant_id=anomaly.merchant_id,
            payload={
                "kind": "analytics.anomaly",
                "id": anomaly.pk,
                "kpi": anomaly.kpi,
                "day": anomaly.day.isoformat(),
                "value": anomaly.value,
                "expected": anomaly.expected,
                "direction": direction,
                "message": f"{KPI_LABELS[anomaly.kpi]} on {anomaly.day:%d %b} was {direction} its usual range.",
            },
        )
    except Exception:  # the alert is stored and listed; a channel layer outage only loses the push
        logger.exception("Could not push KPI anomaly %s", anomaly.pk)
