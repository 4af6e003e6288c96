"""The cosine KNN on a tiny known neighbourhood: who the neighbours are, what they chose,
what is recommended with which share, confidence and explanation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.alerts.features import FEATURES
from ml.alerts.heuristics import HeuristicThresholds, heuristic_labels, heuristic_thresholds
from ml.alerts.knn import FROM_PREFERENCES, FROM_SPENDING, AlertRecommender, rule_recommendations
from ml.alerts.types import ALERT_KEYS

THRESHOLDS = HeuristicThresholds(monthly_spend=1000.0, tx_per_month=20.0, merchant_count=5.0, max_amount=500.0)


def shopper(monthly_spend, shops, tx, **extra):
    row = dict.fromkeys(FEATURES, 0.0)
    row.update(
        monthly_spend=monthly_spend, avg_amount=monthly_spend / tx, tx_per_month=tx, merchant_count=shops,
        max_amount=monthly_spend / tx * 2, **extra,
    )
    return row


def population() -> pd.DataFrame:
    """Four big multi-shop spenders (b1-b4) and four small single-shop ones (s1-s4)."""
    rows = {f"b{i}": shopper(800 + 20 * i, 6, 12 + i) for i in range(1, 5)}
    rows |= {f"s{i}": shopper(20 + i, 1, 1 + 0.1 * i) for i in range(1, 5)}
    return pd.DataFrame.from_dict(rows, orient="index")


def labels(enabled: dict[str, list[str]], index) -> pd.DataFrame:
    frame = pd.DataFrame(False, index=index, columns=list(ALERT_KEYS))
    for customer, types in enabled.items():
        frame.loc[customer, types] = True
    return frame


def fitted(enabled, *, sources=FROM_PREFERENCES, k=4, threshold=0.4) -> AlertRecommender:
    features = population()
    return AlertRecommender(k=k, threshold=threshold).fit(
        features,
        labels(enabled, features.index),
        sources=pd.Series(sources, index=features.index),
        thresholds=THRESHOLDS,
        currency="GBP",
    )


CHOICES = {
    "b1": ["new_merchant", "high_spender"],
    "b2": ["new_merchant"],
    "b3": ["new_merchant", "large_transaction"],
    "b4": [],
    "s1": ["subscription_monitoring"],
    "s2": ["subscription_monitoring"],
    "s3": ["subscription_monitoring", "new_merchant"],
    "s4": [],
}


def test_neighbours_are_the_most_similar_shoppers_and_never_oneself():
    model = fitted(CHOICES)
    query = population().loc[["b1"]]
    rows, sims = model.neighbours(query, k=3)
    assert set(model.customer_ids_[rows[0]]) == {"b2", "b3", "b4"}
    assert np.all(sims[0] > 0.9)


def test_a_big_spender_gets_what_most_big_spenders_turned_on():
    model = fitted(CHOICES)
    newcomer = pd.DataFrame.from_dict({"new": shopper(850, 6, 14)}, orient="index")
    [recs] = model.recommend(newcomer).values()
    assert [r.alert_type for r in recs] == ["new_merchant"]
    rec = recs[0]
    assert (rec.enabled_neighbours, rec.neighbours, rec.share, rec.basis) == (3, 4, 0.75, FROM_PREFERENCES)
    assert rec.confidence == pytest.approx(0.75, abs=0.01)
    assert rec.explanation == (
        "3 of 4 shoppers who spend like you (about £850 a month across 6 shops) turned on 'New shop' alerts."
    )


def test_a_small_spender_gets_subscriptions_not_the_big_spenders_alerts():
    model = fitted(CHOICES)
    newcomer = pd.DataFrame.from_dict({"new": shopper(22, 1, 1.2)}, orient="index")
    [recs] = model.recommend(newcomer).values()
    assert [r.alert_type for r in recs] == ["subscription_monitoring"]
    assert recs[0].share == 0.75


def test_threshold_and_already_decided_types():
    model = fitted(CHOICES)
    newcomer = pd.DataFrame.from_dict({"new": shopper(850, 6, 14)}, orient="index")
    assert model.recommend(newcomer, threshold=0.8)["new"] == []
    assert model.recommend(newcomer, decided={"new": {"new_merchant"}})["new"] == []
    # 1 of 4 (25%) passes a 20% threshold
    assert {r.alert_type for r in model.recommend(newcomer, threshold=0.2)["new"]} == {
        "new_merchant", "high_spender", "large_transaction"
    }


def test_training_member_is_not_its_own_neighbour():
    model = fitted(CHOICES, k=3)
    [recs] = model.recommend(population().loc[["b4"]]).values()
    # b4 chose nothing itself; b1-b3 all chose new_merchant
    assert [(r.alert_type, r.share) for r in recs] == [("new_merchant", 1.0)]


def test_closer_neighbours_weigh_more_in_the_confidence():
    features = population()
    model = AlertRecommender(k=7, threshold=0.1).fit(
        features, labels({"b1": ["high_spender"], "s1": ["new_merchant"]}, features.index),
        sources=pd.Series(FROM_PREFERENCES, index=features.index), thresholds=THRESHOLDS, currency="GBP",
    )
    newcomer = pd.DataFrame.from_dict({"new": shopper(850, 6, 14)}, orient="index")
    recs = {r.alert_type: r for r in model.recommend(newcomer)["new"]}
    assert recs["high_spender"].share == recs["new_merchant"].share == pytest.approx(1 / 7, abs=1e-4)
    assert recs["high_spender"].confidence > recs["new_merchant"].confidence


def test_heuristic_labels_say_so_in_the_explanation():
    model = fitted(CHOICES, sources=FROM_SPENDING)
    newcomer = pd.DataFrame.from_dict({"new": shopper(850, 6, 14)}, orient="index")
    [rec] = model.recommend(newcomer)["new"]
    assert rec.basis == FROM_SPENDING
    assert "spending patterns, not their choices" in rec.explanation


def test_heuristic_labels_from_spending_behaviour():
    rows = {f"c{i}": shopper(10.0 * i, 1 + i % 3, 1 + i) for i in range(1, 21)}
    rows["sub"] = shopper(30, 1, 2, recurring_series=1)
    rows["near"] = shopper(30, 1, 2, limit_utilisation=0.75)
    features = pd.DataFrame.from_dict(rows, orient="index")
    thresholds = heuristic_thresholds(features)
    found = heuristic_labels(features, thresholds)
    # 22 active shoppers: the top decile of monthly spend (180-200) are the high spenders
    assert thresholds.monthly_spend == pytest.approx(179.0)
    assert set(found.index[found["high_spender"]]) == {"c18", "c19", "c20"}
    assert thresholds.merchant_count == 3.0  # never below three shops
    assert found.loc["sub", "subscription_monitoring"] and not found.loc["c1", "subscription_monitoring"]
    assert found.loc["near", "near_credit_limit"] and not found.loc["sub", "near_credit_limit"]


def test_rules_without_a_model_use_the_shoppers_own_behaviour():
    features = pd.DataFrame.from_dict(
        {"big": shopper(1500, 7, 25), "small": shopper(20, 1, 1)}, orient="index"
    )
    found = rule_recommendations(features, thresholds=THRESHOLDS, decided={"big": {"high_tx_volume"}})
    assert {r.alert_type for r in found["big"]} == {"high_spender", "high_merchant_diversity"}
    assert found["small"] == []
    spender = next(r for r in found["big"] if r.alert_type == "high_spender")
    assert spender.basis == "rules" and spender.confidence is None
    assert spender.explanation == "Suggested 'High spending' alerts because your monthly spending is in the top 10% of shoppers."


def test_leave_one_out_scores_the_neighbourhoods():
    metrics = fitted(CHOICES, k=3).leave_one_out()
    assert metrics["evaluated"] == 8
    assert 0.0 < metrics["precision"] <= 1.0 and 0.0 < metrics["recall"] <= 1.0
