"""Batch snapshots of live payments: the same features as one-by-one scoring and as training."""

import numpy as np
import pandas as pd

from ml.fraud.features import FEATURE_NAMES, features_for_history, features_from_snapshot, payment_from_row
from ml.fraud.live_batch import ID_FIELDS, CustomerBase, Events, batch_snapshot, id_code
from ml.fraud.velocity import InMemoryVelocityStore, PaymentEvent, PriorEvent, VelocityState
from ml.simulate.transactions import SimulationConfig, simulate_transactions


def _events(events: tuple[PriorEvent, ...]) -> Events:
    return Events(
        pks=np.arange(len(events), dtype=np.int64),
        times=np.array([e.timestamp for e in events], dtype=np.float64),
        amounts=np.array([e.amount for e in events], dtype=np.float64),
        ids=np.array([[id_code(getattr(e, f)) for f in ID_FIELDS] for e in events], dtype=np.int64).reshape(-1, 4),
    )


def _labels(states: list[VelocityState], name: str) -> np.ndarray:
    return np.array([[getattr(s, name).labelled, getattr(s, name).frauds] for s in states], dtype=np.float64)


def _score_batch(store: InMemoryVelocityStore, payments: list[PaymentEvent]) -> np.ndarray:
    """Bases from the store as it was before the batch (the batch's own rows are the snapshot's job)."""
    states = [store.state_for(p) for p in payments]
    targets, past = batch_snapshot(
        payments,
        customers=[
            CustomerBase(
                events=_events(s.customer_events),
                count=s.customer_payment_count,
                devices=s.seen_devices,
                cards=s.seen_cards,
                countries=s.seen_countries,
                last_geo=s.last_geo,
            )
            for s in states
        ],
        cards=[_events(s.card_events) for s in states],
        devices=[_events(s.device_events) for s in states],
        merchant_labels=_labels(states, "merchant_labels"),
        category_labels=_labels(states, "category_labels"),
        platform_labels=_labels(states, "platform_labels"),
    )
    return features_from_snapshot(targets, past)


def test_batches_in_any_row_order_give_the_features_training_computes():
    data = simulate_transactions(SimulationConfig(n_customers=60, n_terminals=150, n_days=20, card_testing_per_day=0.5, seed=5))
    billing = data.customers.set_index("customer_id")["country"]
    tx = data.transactions.assign(billing_country=data.transactions["customer_id"].map(billing))
    # equal timestamps inside a batch and across batch borders: order must follow (timestamp, arrival)
    tx.loc[tx.index[100:110], "timestamp"] = tx["timestamp"].iloc[100]
    offline = features_for_history(tx)

    ordered = tx.sort_values("timestamp", kind="stable")
    store = InMemoryVelocityStore(label_delay_days=7)
    live = {}
    rng = np.random.default_rng(3)
    for start in range(0, len(ordered), 97):
        chunk = ordered.iloc[start : start + 97]
        # rows of a batch arrive in any order, except that equal timestamps keep their order (training's tie-break)
        arrived = chunk if chunk["timestamp"].duplicated().any() else chunk.iloc[rng.permutation(len(chunk))]
        payments = [payment_from_row(row) for _, row in arrived.iterrows()]
        live |= dict(zip(arrived.index, _score_batch(store, payments), strict=True))
        for _, row in chunk.iterrows():
            event = payment_from_row(row)
            store.record(event)
            store.record_label(event, is_fraud=bool(row["is_fraud"]))
    matrix = pd.DataFrame.from_dict(live, orient="index", columns=list(FEATURE_NAMES)).loc[offline.index]

    assert offline["card_count_1h"].max() >= 5 and offline["cust_count_24h"].max() >= 3
    np.testing.assert_array_equal(matrix.to_numpy(), offline.to_numpy())


def test_a_batch_row_sees_earlier_rows_of_its_batch_and_not_later_ones():
    def payment(tid: str, at: float, amount: float, **fields) -> PaymentEvent:
        return PaymentEvent(transaction_id=tid, timestamp=at, customer_id="C1", amount=amount, card_id="K1", **fields)

    later, first, second = payment("T3", 300.0, 4.0), payment("T1", 100.0, 1.0, device_id="D1"), payment("T2", 100.0, 2.0)
    prior = PriorEvent(timestamp=50.0, amount=8.0, card_id="K1")
    stored = CustomerBase(events=_events((prior,)), count=1, cards=frozenset({"K1"}))
    features = features_from_snapshot(
        *batch_snapshot(
            [later, first, second],
            customers=[stored] * 3,
            cards=[_events((PriorEvent(timestamp=50.0, amount=8.0),))] * 3,
            devices=[Events()] * 3,
            merchant_labels=np.zeros((3, 2)),
            category_labels=np.zeros((3, 2)),
            platform_labels=np.zeros((3, 2)),
        )
    )
    column = {name: features[:, i] for i, name in enumerate(FEATURE_NAMES)}
    assert column["cust_count_1h"].tolist() == [3, 1, 2]  # T1 before T2 at the same second: batch order
    assert column["cust_amount_1h"].tolist() == [11.0, 8.0, 9.0]
    assert column["card_count_1h"].tolist() == [3, 1, 2]
    assert column["is_new_device"].tolist() == [0, 1, 0]
    assert column["seconds_since_prev"].tolist() == [200.0, 50.0, 0.0]
    assert column["is_first_transaction"].tolist() == [0, 0, 0]
