"""Behavioural features and recurring-charge detection on small hand-made payment frames."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from ml.alerts.features import FEATURES, customer_features
from ml.alerts.recurring import recurring_series

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def pay(customer, merchant, amount, days_ago, *, hour=12, country="GB", lat=51.5, lon=-0.1):
    moment = (NOW - timedelta(days=days_ago)).replace(hour=hour)
    return {
        "customer_id": customer,
        "merchant_id": merchant,
        "amount": amount,
        "timestamp": moment,
        "country": country,
        "latitude": lat,
        "longitude": lon,
    }


def test_spend_counts_and_shops_per_customer():
    frame = pd.DataFrame(
        [
            pay("a", 1, 100.0, 50),
            pay("a", 2, 50.0, 40, hour=2),
            pay("a", 3, 30.0, 5),
            pay("b", 1, 10.0, 10),
            pay("old", 1, 999.0, 400),  # outside the 180-day window
        ]
    )
    features = customer_features(frame, now=NOW, customers=["quiet"])
    a = features.loc["a"]
    # first payment 50 days ago: 50 / 30.44 months
    months = 50.0 / 30.44
    assert a["monthly_spend"] == pytest.approx(180.0 / months)
    assert a["tx_per_month"] == pytest.approx(3 / months)
    assert a["avg_amount"] == pytest.approx(60.0)
    assert a["max_amount"] == 100.0
    assert a["merchant_count"] == 3
    assert a["night_share"] == pytest.approx(1 / 3)
    assert a["new_merchants_30d"] == 1  # shop 3, first paid 5 days ago
    # under a month of history counts as one month, not as a tenfold monthly rate
    assert features.loc["b", "monthly_spend"] == 10.0
    assert features.loc["quiet"].tolist() == [0.0] * len(FEATURES)
    assert "old" not in features.index


def test_countries_and_distance_from_usual_place():
    frame = pd.DataFrame(
        [
            pay("t", 1, 10.0, 20),
            pay("t", 1, 10.0, 10),
            pay("t", 2, 10.0, 3, country="FR", lat=48.85, lon=2.35),  # Paris, ~340 km from London
        ]
    )
    features = customer_features(frame, now=NOW)
    assert features.loc["t", "country_count"] == 2
    assert features.loc["t", "location_spread_km"] == pytest.approx(343, abs=5)


def test_limit_utilisation_is_last_30_days_spend_over_the_shoppers_own_limit():
    frame = pd.DataFrame([pay("l", 1, 300.0, 10), pay("l", 1, 60.0, 3), pay("l", 1, 500.0, 45)])
    features = customer_features(frame, now=NOW, limits={"l": 400})
    assert features.loc["l", "limit_utilisation"] == pytest.approx(360 / 400)
    assert customer_features(frame, now=NOW).loc["l", "limit_utilisation"] == 0.0


def test_monthly_subscription_is_found_among_one_off_purchases():
    rows = [pay("s", 7, 9.99, 1 + 30 * i) for i in range(4)]
    rows += [pay("s", 7, 45.0, 12), pay("s", 7, 120.0, 70)]  # one-off buys at the same shop
    series = recurring_series(pd.DataFrame(rows))
    assert len(series) == 1
    found = series.iloc[0]
    assert (found["customer_id"], found["merchant_id"], found["cadence"], found["charges"]) == ("s", 7, "monthly", 4)
    assert found["amount"] == pytest.approx(9.99)
    assert customer_features(pd.DataFrame(rows), now=NOW).loc["s", "recurring_series"] == 1


@pytest.mark.parametrize(
    "rows",
    [
        [pay("x", 1, 20.0, d) for d in (1, 9, 40, 45)],  # irregular gaps
        [pay("x", 1, a, 1 + 30 * i) for i, a in enumerate((10.0, 20.0, 35.0, 60.0))],  # amounts drift apart
        [pay("x", 1, 20.0, 1), pay("x", 1, 20.0, 31)],  # two charges are not yet a series
    ],
)
def test_irregular_or_short_histories_are_not_subscriptions(rows):
    assert recurring_series(pd.DataFrame(rows)).empty
