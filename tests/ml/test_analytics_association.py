"""Association rules (support, confidence, lift) against a hand computation."""
from __future__ import annotations

import pytest

from ml.analytics.association import association_rules, basket_pairs

BASKETS = [{"mug", "coaster"}, {"mug", "coaster", "tee"}, {"mug"}, {"tee"}, {"tee", "coaster"}, {"poster"}]


def _counts():
    items = {}
    for basket in BASKETS:
        for item in basket:
            items[item] = items.get(item, 0) + 1
    return items


def test_pairs_are_counted_once_per_basket_with_a_sorted_key():
    pairs = basket_pairs([["mug", "coaster", "mug"], ["coaster", "mug"]])
    assert pairs == {("coaster", "mug"): 2}


def test_rules_match_the_hand_computation():
    rules = association_rules(baskets=len(BASKETS), item_counts=_counts(), pair_counts=basket_pairs(BASKETS))
    by_pair = {(r.antecedent, r.consequent): r for r in rules}
    mug_coaster = by_pair[("mug", "coaster")]
    # mug in 3 baskets, coaster in 3, together in 2, of 6 baskets
    assert mug_coaster.together == 2
    assert mug_coaster.support == pytest.approx(2 / 6)
    assert mug_coaster.confidence == pytest.approx(2 / 3)
    assert mug_coaster.lift == pytest.approx((2 / 3) / (3 / 6))
    tee_mug = by_pair[("tee", "mug")]  # tee in 3, together 1
    assert tee_mug.confidence == pytest.approx(1 / 3) and tee_mug.lift == pytest.approx((1 / 3) / (3 / 6))
    assert rules[0].lift == max(r.lift for r in rules)
    assert not any("poster" in (r.antecedent, r.consequent) for r in rules)


def test_min_together_drops_anecdotes_and_no_baskets_gives_no_rules():
    rules = association_rules(baskets=6, item_counts=_counts(), pair_counts=basket_pairs(BASKETS), min_together=2)
    # together twice: mug+coaster (baskets 1, 2) and tee+coaster (baskets 2, 5); mug+tee only once
    pairs = {frozenset((r.antecedent, r.consequent)) for r in rules}
    assert pairs == {frozenset({"mug", "coaster"}), frozenset({"tee", "coaster"})}
    assert len(rules) == 4  # both directions of each
    assert association_rules(baskets=0, item_counts={}, pair_counts={}) == []
