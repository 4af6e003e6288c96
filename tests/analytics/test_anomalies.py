"""KPI anomalies: a planted spike in the rollups is flagged once, stored and pushed."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from apps.analytics import anomalies
from apps.analytics.filters import Filters
from apps.analytics.models import DailyMerchantKPI, KpiAnomaly
from apps.analytics.selectors import kpi_bands

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)


def _plant(merchant, *, spike: float | None) -> None:
    # Seed 2's noise never crosses a three-sigma band by itself, so any flag is the planted spike.
    rng = np.random.default_rng(2)
    days = 60
    for n in range(days):
        day = TODAY - timedelta(days=days - n)
        revenue = 1000 + rng.normal(0, 30)
        if n == days - 1 and spike is not None:
            revenue = spike
        DailyMerchantKPI.objects.create(
            merchant=merchant, day=day, revenue=Decimal(f"{revenue:.2f}"), orders=20, journeys=400, purchases=20
        )


def test_a_planted_spike_on_the_latest_day_is_flagged_once_and_pushed(
    merchant_a, monkeypatch, django_capture_on_commit_callbacks
):
    _plant(merchant_a, spike=2500.0)
    pushed = []
    monkeypatch.setattr(anomalies, "notify", lambda **kwargs: pushed.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        created = anomalies.anomalies_detect(merchant_id=merchant_a.pk, today=TODAY)
    kpis = {a.kpi for a in created}
    assert "revenue" in kpis and "average_order_value" in kpis  # orders flat: AOV jumps with revenue
    assert "orders" not in kpis and "conversion" not in kpis
    revenue = KpiAnomaly.objects.get(merchant=merchant_a, kpi="revenue")
    assert revenue.direction == 1 and revenue.day == TODAY - timedelta(days=1)
    assert revenue.lower < revenue.expected < revenue.upper < revenue.value
    assert pushed[0]["merchant_id"] == merchant_a.pk and pushed[0]["payload"]["kind"] == "analytics.anomaly"
    assert anomalies.anomalies_detect(merchant_id=merchant_a.pk, today=TODAY) == []  # idempotent
    assert KpiAnomaly.objects.filter(merchant=merchant_a).count() == len(created)


def test_ordinary_noise_raises_nothing_and_the_chart_marks_the_spike(merchant_a, merchant_b):
    _plant(merchant_a, spike=None)
    assert anomalies.anomalies_detect(merchant_id=merchant_a.pk, today=TODAY) == []
    _plant(merchant_b, spike=2500.0)
    last = TODAY - timedelta(days=1)
    rows = kpi_bands(Filters(start=last - timedelta(days=20), end=last, merchant_ids=(merchant_b.pk,)))
    flagged = [(r["day"], r["kpi"]) for r in rows if r["anomaly"]]
    assert (last.isoformat(), "revenue") in flagged
    assert all(day == last.isoformat() for day, _ in flagged), flagged


def test_no_rollups_no_anomalies(merchant_a):
    assert anomalies.anomalies_detect(merchant_id=merchant_a.pk, today=TODAY) == []
