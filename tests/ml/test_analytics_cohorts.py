"""Monthly cohorts, retention and repeat purchase rate against a hand computation."""
from __future__ import annotations

import pandas as pd
import pytest

from ml.analytics.cohorts import cohort_activity, repeat_purchase_rates, retention_matrix


def _orders(rows):
    frame = pd.DataFrame(rows, columns=["customer", "placed_at", "revenue", "segment"])
    frame["placed_at"] = pd.to_datetime(frame["placed_at"], utc=True)
    return frame


ORDERS = _orders(
    [
        (1, "2026-01-05", 10.0, "loyal"),
        (1, "2026-01-20", 15.0, "loyal"),  # a repeat in the acquisition month
        (1, "2026-03-02", 20.0, "loyal"),
        (2, "2026-01-31", 30.0, "new"),
        (2, "2026-02-01", 5.0, "new"),
        (3, "2026-01-10", 8.0, "new"),
        (4, "2026-02-14", 12.0, "new"),
        (4, "2026-12-14", 12.0, "new"),  # 10 months later, same year
    ]
)


def test_activity_matches_the_hand_computation():
    activity = cohort_activity(ORDERS)
    cells = {
        (str(r.cohort_month), r.months_since): (r.customers, r.orders, r.revenue, r.repeaters) for r in activity.itertuples()
    }
    assert cells[("2026-01-01", 0)] == (3, 4, 63.0, 1)  # customers 1, 2, 3; customer 1 repeated in January
    assert cells[("2026-01-01", 1)] == (1, 1, 5.0, 1)  # customer 2's second order
    assert cells[("2026-01-01", 2)] == (1, 1, 20.0, 0)
    assert cells[("2026-02-01", 0)] == (1, 1, 12.0, 0)
    assert cells[("2026-02-01", 10)] == (1, 1, 12.0, 1)


def test_retention_and_repeat_rate():
    activity = cohort_activity(ORDERS)
    matrix = retention_matrix(activity)
    january = pd.Timestamp("2026-01-01").date()
    assert matrix.at[january, 0] == pytest.approx(1.0)
    assert matrix.at[january, 1] == pytest.approx(1 / 3)
    assert matrix.at[january, 2] == pytest.approx(1 / 3)
    rates = repeat_purchase_rates(activity)
    assert rates[january] == pytest.approx(2 / 3)
    assert rates[pd.Timestamp("2026-02-01").date()] == pytest.approx(1.0)


def test_keys_split_cohorts_and_sum_back_to_the_total():
    by_segment = cohort_activity(ORDERS, keys=["segment"])
    january = by_segment[(by_segment["months_since"] == 0) & (by_segment["cohort_month"].astype(str) == "2026-01-01")]
    assert dict(zip(january["segment"], january["customers"], strict=True)) == {"loyal": 1, "new": 2}
    assert retention_matrix(by_segment).equals(retention_matrix(cohort_activity(ORDERS)))
    assert cohort_activity(ORDERS.iloc[0:0]).empty
