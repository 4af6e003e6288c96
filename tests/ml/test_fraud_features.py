"""Feature arithmetic on hand-made histories, and the live path agreeing with batch training."""

import numpy as np
import pandas as pd
import pytest

from ml.fraud.features import FEATURE_NAMES, features_for_history, features_for_payment, payment_from_row
from ml.fraud.velocity import InMemoryVelocityStore
from ml.simulate.transactions import SimulationConfig, simulate_transactions

T0 = pd.Timestamp("2025-03-03 12:00:00", tz="UTC")  # a Monday


def history(*rows: dict) -> pd.DataFrame:
    """Payments of customer C1 on card K1 / device D1 unless a row says otherwise; ``at`` is seconds after T0."""
    defaults = {
        "customer_id": "C1",
        "card_id": "K1",
        "device_id": "D1",
        "merchant_id": "M1",
        "merchant_category": "mugs",
        "ip_address": "1.1.1.1",
        "country": "US",
        "billing_country": "US",
        "latitude": 40.0,
        "longitude": -100.0,
        "amount": 10.0,
        "is_fraud": False,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["timestamp"] = T0 + pd.to_timedelta(frame.pop("at"), unit="s")
    frame["transaction_id"] = [f"T{i}" for i in range(len(frame))]
    return frame


def last(frame: pd.DataFrame, **kwargs) -> pd.Series:
    return features_for_history(frame, **kwargs).iloc[-1]


def test_velocity_windows_exclude_the_payment_itself_and_events_exactly_a_window_old():
    frame = history(
        {"at": -7 * 86_400, "amount": 1.0},  # exactly 7 days old: outside every window
        {"at": -86_400 + 1, "amount": 2.0},  # inside 24h and 7d
        {"at": -3_600, "amount": 4.0},  # exactly 1h old: outside 1h
        {"at": -3_599, "amount": 8.0},
        {"at": 0, "amount": 16.0},  # same second, recorded first: prior
        {"at": 0, "amount": 32.0},
    )
    f = last(frame)
    assert (f["cust_count_1h"], f["cust_amount_1h"]) == (2, 24.0)
    assert (f["cust_count_24h"], f["cust_amount_24h"]) == (4, 30.0)
    assert (f["cust_count_7d"], f["cust_amount_7d"]) == (4, 30.0)
    assert f["card_count_1h"] == 2 and f["device_amount_24h"] == 30.0
    first = features_for_history(frame).iloc[0]
    assert first["cust_count_7d"] == 0 and first["is_first_transaction"] == 1


def test_card_and_device_velocity_count_other_customers():
    frame = history(
        {"at": -60, "customer_id": "C2", "device_id": "D2"},
        {"at": -30, "customer_id": "C3", "card_id": "K9"},
        {"at": 0},
    )
    f = last(frame)
    assert f["cust_count_1h"] == 0
    assert f["card_count_1h"] == 1  # C2 paid with K1, C3 with K9
    assert f["device_count_1h"] == 1  # C3's payment used D1


def test_amount_zscore_and_ratio_to_median_use_only_prior_amounts():
    frame = history(
        {"at": -300, "amount": 10.0},
        {"at": -200, "amount": 20.0},
        {"at": -100, "amount": 30.0},
        {"at": 0, "amount": 60.0},
    )
    f = last(frame)
    std = np.std([10.0, 20.0, 30.0])
    assert f["amount_zscore"] == pytest.approx((60 - 20) / std)
    assert f["amount_to_median"] == pytest.approx(3.0)
    assert np.isnan(features_for_history(frame).iloc[1]["amount_zscore"])  # one prior amount is no spread


def test_distinct_counts_over_the_last_day_and_new_flags():
    frame = history(
        {"at": -2 * 86_400, "merchant_id": "M0", "device_id": "D0"},  # older than 24h
        {"at": -500, "merchant_id": "M1", "card_id": "K1", "ip_address": "1.1.1.1"},
        {"at": -400, "merchant_id": "M2", "card_id": "K2", "ip_address": "2.2.2.2"},
        {"at": -300, "merchant_id": "M2", "card_id": "K2", "ip_address": "2.2.2.2"},
        {"at": 0, "merchant_id": "M3", "device_id": "D0", "card_id": "K3", "country": "RO"},
    )
    f = last(frame)
    assert f["cust_distinct_merchants_24h"] == 2
    assert f["cust_distinct_cards_24h"] == 2
    assert f["cust_distinct_ips_24h"] == 2
    assert f["cust_distinct_devices_24h"] == 1
    assert f["seconds_since_prev"] == 300
    assert (f["is_new_device"], f["is_new_card"], f["is_new_country"]) == (0, 1, 1)
    assert f["ip_country_mismatch"] == 1


def test_impossible_travel_between_consecutive_geolocated_payments():
    frame = history(
        {"at": -7_200, "latitude": 40.0, "longitude": -74.0},  # New York
        {"at": -3_600, "latitude": None, "longitude": None},  # not geolocated: skipped
        {"at": 0, "latitude": 51.5, "longitude": -0.1},  # London two hours later
    )
    f = last(frame)
    assert f["travel_speed_kmh"] == pytest.approx(5_570 / 2, rel=0.01)
    assert f["is_impossible_travel"] == 1
    nearby = last(history({"at": -60, "latitude": 40.0}, {"at": 0, "latitude": 40.3}))  # 33 km in a minute
    assert nearby["is_impossible_travel"] == 0


def test_merchant_risk_only_counts_labels_older_than_the_delay():
    day = 86_400
    frame = history(
        {"at": -10 * day, "is_fraud": True},
        {"at": -7 * day, "is_fraud": True},  # exactly the delay: visible
        {"at": -7 * day + 1, "is_fraud": True},  # too recent: invisible
        {"at": -9 * day, "merchant_id": "M2", "is_fraud": False},
        {"at": 0},
    )
    f = last(frame, label_delay_days=7)
    platform = (2 + 1) / (3 + 100)
    assert f["merchant_risk"] == pytest.approx((2 + 20 * platform) / (2 + 20))
    assert f["category_risk"] == pytest.approx((2 + 20 * platform) / (3 + 20))
    unlabelled = last(frame.assign(is_fraud=None))
    assert unlabelled["merchant_risk"] == pytest.approx(0.01)


def test_live_path_replays_simulated_history_to_the_same_features_as_batch():
    data = simulate_transactions(SimulationConfig(n_customers=60, n_terminals=150, n_days=20, card_testing_per_day=0.5, seed=5))
    billing = data.customers.set_index("customer_id")["country"]
    tx = data.transactions.assign(billing_country=data.transactions["customer_id"].map(billing))
    tx = tx.sample(frac=1.0, random_state=1)  # batch must not depend on the input order
    batch = features_for_history(tx)

    store = InMemoryVelocityStore(label_delay_days=7)
    live = {}
    for index, row in tx.sort_values("timestamp", kind="stable").iterrows():
        payment = payment_from_row(row)
        live[index] = features_for_payment(payment, store.state_for(payment))
        store.record(payment)
        store.record_label(payment, is_fraud=bool(row["is_fraud"]))
    live = pd.DataFrame.from_dict(live, orient="index").loc[batch.index, list(FEATURE_NAMES)]

    assert len(batch) > 1_000 and batch["card_count_1h"].max() >= 5
    np.testing.assert_array_equal(live.to_numpy(), batch.to_numpy())
