"""Scalping maths on small planted cases: linking, limited products, windows, rules, classifier."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from ml.risk.scalping import (
    FEATURES,
    ScalpingClassifier,
    ScalpingRules,
    is_limited,
    link_accounts,
    rule_reasons,
    rule_score,
    scalping_candidates,
)

T0 = datetime(2026, 6, 1, 9, 0)
RULES = ScalpingRules(min_units=4, min_accounts=2, window_hours=72, per_account_cap=2)


def test_accounts_sharing_a_card_or_a_device_form_one_group():
    identities = pd.DataFrame({
        "customer_id": [1, 2, 2, 3, 4, 5],
        "card_fingerprint": ["A", "A", "B", "C", "D", ""],
        "device_id": ["x", "y", "y", "y", "z", ""],
    })
    groups = link_accounts(identities, columns=["card_fingerprint", "device_id"])
    assert groups.to_dict() == {1: 1, 2: 1, 3: 1, 4: 4, 5: 5}  # 1-2 by card A, 2-3 by device y; "" links nothing


def test_hub_values_are_ignored():
    identities = pd.DataFrame({"customer_id": range(40), "card_fingerprint": "gift-card"})
    groups = link_accounts(identities, columns=["card_fingerprint"], max_accounts_per_value=25)
    assert groups.nunique() == 40


def test_limited_products():
    assert is_limited(attributes={"limited_edition": True}, stock=500, customisable=True, low_stock=5)
    assert is_limited(attributes={"edition_size": 100}, stock=80, customisable=False, low_stock=5)
    assert is_limited(attributes={}, stock=3, customisable=False, low_stock=5)
    assert not is_limited(attributes={}, stock=3, customisable=True, low_stock=5)  # made to order
    assert not is_limited(attributes=None, stock=40, customisable=False, low_stock=5)


def _frames(purchases: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(purchases, columns=["customer_id", "product_id", "quantity", "hours", "card", "device"])
    frame["order_id"] = range(1, len(frame) + 1)
    frame["payment_id"] = frame["order_id"] + 1000
    frame["placed_at"] = [T0 + timedelta(hours=h) for h in frame["hours"]]
    identities = frame[["customer_id", "card", "device"]].rename(columns={"card": "card_fingerprint", "device": "device_id"})
    products = pd.DataFrame(
        {"limited": [True, False], "limited_edition": [True, False], "stock": [0, 300], "cap": [np.nan, np.nan]},
        index=pd.Index([10, 20], name="product_id"),
    )
    return frame, identities, products


def test_scalper_group_is_one_candidate_that_breaks_the_linked_units_rule():
    purchases, identities, products = _frames([
        (1, 10, 2, 0, "card-S", "dev-1"),
        (2, 10, 2, 5, "card-S", "dev-2"),
        (3, 10, 2, 9, "card-T", "dev-2"),
        (9, 10, 1, 3, "card-9", "dev-9"),  # an ordinary fan of the drop, alone
        (1, 20, 5, 1, "card-S", "dev-1"),  # not limited: never a candidate
    ])
    candidates = scalping_candidates(purchases, identities, products, rules=RULES)
    assert len(candidates) == 1
    scalper = candidates.iloc[0].to_dict()
    assert scalper["customer_ids"] == [1, 2, 3]
    assert (scalper["units"], scalper["accounts"], scalper["shared_cards"], scalper["shared_devices"]) == (6, 3, 1, 1)
    assert scalper["units_share"] == 6 / 7
    assert scalper["payment_ids"] == [1001, 1002, 1003]
    reasons = rule_reasons(scalper, RULES)
    assert len(reasons) == 1 and "6 units of a limited item bought by 3 linked accounts" in reasons[0]
    assert 0.5 <= rule_score(scalper, RULES) <= 1


def test_purchases_spread_beyond_the_window_do_not_add_up():
    purchases, identities, products = _frames([
        (1, 10, 2, 0, "card-S", "dev-1"),
        (2, 10, 2, 100, "card-S", "dev-2"),  # four days later
    ])
    candidate = scalping_candidates(purchases, identities, products, rules=RULES).iloc[0].to_dict()
    assert candidate["units"] == 2
    assert rule_reasons(candidate, RULES) == []
    assert rule_score(candidate, RULES) == 0.0


def test_per_account_cap_uses_the_products_own_cap():
    purchases, identities, products = _frames([(1, 10, 3, 0, "card-S", "dev-1")])
    candidate = scalping_candidates(purchases, identities, products, rules=RULES).iloc[0].to_dict()
    assert rule_reasons(candidate, RULES) == ["one account bought 3 units within 72h; the cap is 2"]
    products.loc[10, "cap"] = 5
    candidate = scalping_candidates(purchases, identities, products, rules=RULES).iloc[0].to_dict()
    assert rule_reasons(candidate, RULES) == []


def test_classifier_separates_confirmed_from_cleared_flags():
    rng = np.random.default_rng(0)
    n = 60
    labels = pd.Series(np.r_[np.ones(n // 2), np.zeros(n // 2)].astype(int))
    features = pd.DataFrame({name: rng.uniform(0, 3, n) for name in FEATURES})
    features["shared_devices"] = np.where(labels == 1, rng.integers(1, 3, n), 0)
    features["units_share"] = np.where(labels == 1, rng.uniform(0.5, 1, n), rng.uniform(0, 0.3, n))
    model = ScalpingClassifier().fit(features, labels)
    scores = model.predict_proba(features)
    assert scores[labels == 1].mean() > 0.8 > 0.2 > scores[labels == 0].mean()
    assert model.predict_proba(features.iloc[:0]).shape == (0,)
