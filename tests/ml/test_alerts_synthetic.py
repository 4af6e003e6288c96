"""The benchmark's synthetic shoppers behave as their kinds say, as the features see them."""
from datetime import UTC, datetime

from ml.alerts.features import customer_features
from ml.alerts.synthetic import synthetic_payments

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_kinds_show_in_the_features():
    payments = synthetic_payments(customers=400, now=NOW, seed=3)
    kinds = payments.groupby("customer_id")["kind"].first()
    features = customer_features(payments, now=NOW)
    subscribed = (features["recurring_series"] > 0).groupby(kinds).mean()
    abroad = (features["country_count"] > 1).groupby(kinds).mean()
    spend = features["monthly_spend"].groupby(kinds).median()
    assert subscribed["subscriber"] > 0.8 and subscribed["occasional"] < 0.05
    assert abroad["traveller"] > 0.8 and abroad["regular"] == 0.0
    assert spend["big_spender"] > 3 * spend["regular"]
    assert payments["timestamp"].max() <= NOW
