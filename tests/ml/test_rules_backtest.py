"""Backtesting a rule over a labelled (and partly unlabelled) frame of historical features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.fraud.rules import Rule
from ml.fraud.rules_backtest import backtest_rule, rule_hit_mask

BIG_AMOUNT = Rule(name="big", condition="amount > 100", action="review", weight=0.5)


def frame() -> pd.DataFrame:
    # rows:      hit   hit   hit    hit   miss  miss  miss   miss
    # label:     fraud good  fraud  ?     fraud good  ?      good
    return pd.DataFrame(
        {
            "amount": [500.0, 150.0, 101.0, 900.0, 20.0, 99.0, np.nan, 100.0],
            "is_fraud": [1, 0, True, None, 1, 0, None, False],
        },
        index=[10, 11, 12, 13, 14, 15, 16, 17],
    )


def test_backtest_counts_hits_over_all_rows_and_quality_over_labelled_rows():
    result = backtest_rule(BIG_AMOUNT, frame())
    assert result.hits == 4
    assert result.hit_rate == pytest.approx(4 / 8)
    assert result.labelled_hits == 3
    assert result.true_positives == 2
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 3)


def test_hit_mask_is_aligned_with_the_frame():
    mask = rule_hit_mask(BIG_AMOUNT, frame())
    assert mask.index.tolist() == [10, 11, 12, 13, 14, 15, 16, 17]
    assert mask.tolist() == [True, True, True, True, False, False, False, False]
    assert mask.name == "big"


def test_precision_and_recall_are_none_without_labels_to_divide_by():
    unlabelled = frame().assign(is_fraud=None)
    result = backtest_rule(BIG_AMOUNT, unlabelled)
    assert (result.hits, result.labelled_hits, result.true_positives) == (4, 0, 0)
    assert result.precision is None
    assert result.recall is None


def test_recall_is_zero_when_the_rule_misses_every_fraud():
    result = backtest_rule(Rule(name="huge", condition="amount > 10000", action="flag", weight=0.1), frame())
    assert result.hits == 0
    assert result.hit_rate == 0.0
    assert result.precision is None
    assert result.recall == 0.0


def test_backtest_runs_disabled_rules_and_missing_feature_columns():
    draft = Rule(name="draft", condition="amount > 100 and not is_vpn_ip", action="flag", weight=0.1, enabled=False)
    assert backtest_rule(draft, frame()).hits == 4  # no is_vpn_ip column: missing, so `not` holds


def test_backtest_of_a_condition_without_features_and_of_an_empty_frame():
    always = Rule(name="always", condition="true", action="flag", weight=0.1)
    assert backtest_rule(always, frame()).hits == 8
    empty = backtest_rule(always, frame().iloc[0:0])
    assert (empty.hits, empty.hit_rate, empty.precision, empty.recall) == (0, 0.0, None, None)


def test_backtest_reads_another_label_column_and_refuses_a_missing_one():
    relabelled = frame().rename(columns={"is_fraud": "chargeback"})
    assert backtest_rule(BIG_AMOUNT, relabelled, label_column="chargeback").true_positives == 2
    with pytest.raises(ValueError, match="no 'is_fraud' label column"):
        backtest_rule(BIG_AMOUNT, relabelled)


def test_backtest_of_100k_rows_takes_under_a_second():
    rng = np.random.default_rng(7)
    rows = 100_000
    big = pd.DataFrame(
        {
            "cust_count_1h": rng.integers(0, 15, rows),
            "card_count_1h": rng.integers(0, 15, rows),
            "cust_amount_24h": rng.uniform(0, 12_000, rows),
            "is_fraud": rng.choice([0.0, 1.0, np.nan], rows),
        }
    )
    velocity = Rule(
        name="velocity",
        condition="cust_count_1h > 10 or card_count_1h > 10 or cust_amount_24h > 10000",
        action="review",
        weight=0.5,
    )
    result = backtest_rule(velocity, big)
    expected = (big.cust_count_1h > 10) | (big.card_count_1h > 10) | (big.cust_amount_24h > 10_000)
    assert result.hits == int(expected.sum())
    assert result.true_positives == int((expected & (big.is_fraud == 1)).sum())
