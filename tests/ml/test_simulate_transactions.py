import pandas as pd

from ml.simulate.transactions import (
    SCENARIO_COLUMN,
    TRANSACTION_COLUMNS,
    SimulationConfig,
    simulate_transactions,
)

SMALL = SimulationConfig(n_customers=200, n_terminals=400, n_days=40, card_testing_per_day=1, seed=4)


def test_frame_has_the_import_columns_and_is_deterministic_per_seed():
    first = simulate_transactions(SMALL).transactions
    assert list(first.columns) == [*TRANSACTION_COLUMNS, SCENARIO_COLUMN]
    pd.testing.assert_frame_equal(first, simulate_transactions(SMALL).transactions)
    other = simulate_transactions(SimulationConfig(**{**SMALL.__dict__, "seed": 5})).transactions
    assert not first["amount"].head(50).equals(other["amount"].head(50))
    assert first["timestamp"].is_monotonic_increasing and first["transaction_id"].is_unique


def test_every_scenario_appears_and_labels_follow_the_handbook_rules():
    data = simulate_transactions(SMALL)
    tx = data.transactions
    scenarios = set(tx[SCENARIO_COLUMN])
    assert scenarios == {
        "genuine",
        "high_amount",
        "compromised_terminal",
        "compromised_customer",
        "card_testing",
        "account_takeover",
    }
    assert (tx["is_fraud"] == (tx[SCENARIO_COLUMN] != "genuine")).all()
    assert not tx.loc[tx["amount"] > 220, SCENARIO_COLUMN].eq("genuine").any()
    bursts = tx[tx[SCENARIO_COLUMN] == "card_testing"]
    assert bursts["amount"].max() <= 5 and bursts.groupby("card_id")["merchant_id"].nunique().max() > 3
    takeovers = tx[tx[SCENARIO_COLUMN] == "account_takeover"]
    assert (takeovers["country"] != "US").all()
    assert set(data.customers["customer_id"]) >= set(tx["customer_id"])


def test_compromised_terminal_frauds_persist_at_that_merchant():
    tx = simulate_transactions(SMALL).transactions
    hit = tx[tx[SCENARIO_COLUMN] == "compromised_terminal"]
    merchant = hit["merchant_id"].value_counts().index[0]
    at_merchant = tx[tx["merchant_id"] == merchant]
    first = hit.loc[hit["merchant_id"] == merchant, "timestamp"].min()
    until = first.floor("D") + pd.Timedelta(days=28)
    window = at_merchant[(at_merchant["timestamp"] >= first) & (at_merchant["timestamp"] < until)]
    assert window["is_fraud"].all()
