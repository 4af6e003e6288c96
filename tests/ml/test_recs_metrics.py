import math

import pytest

from ml.recs.metrics import (
    average_precision_at_k,
    catalogue_coverage,
    ndcg_at_k,
    novelty,
    precision_at_k,
    ranking_report,
    recall_at_k,
)

# Recommended a, b, c, d; the shopper went on to touch b, d and z (z never recommended).
LIST = ["a", "b", "c", "d"]
RELEVANT = {"b", "d", "z"}


def test_precision_counts_hits_over_k_slots():
    assert precision_at_k(LIST, RELEVANT, 4) == 0.5
    assert precision_at_k(LIST, RELEVANT, 2) == 0.5
    # An unfilled slot is a miss: 2 hits over 10 slots.
    assert precision_at_k(LIST, RELEVANT, 10) == 0.2


def test_recall_is_hits_over_relevant():
    assert recall_at_k(LIST, RELEVANT, 4) == pytest.approx(2 / 3)
    assert recall_at_k(LIST, RELEVANT, 1) == 0.0
    assert recall_at_k(LIST, set(), 4) == 0.0


def test_ndcg_by_hand():
    # DCG = 1/log2(3) + 1/log2(5); ideal (3 relevant, k=4) = 1 + 1/log2(3) + 1/log2(4)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(LIST, RELEVANT, 4) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["b", "d", "z"], RELEVANT, 3) == pytest.approx(1.0)


def test_average_precision_by_hand():
    # Hits at ranks 2 and 4: (1/2 + 2/4) / min(3, 4)
    assert average_precision_at_k(LIST, RELEVANT, 4) == pytest.approx((0.5 + 0.5) / 3)
    assert average_precision_at_k(["b", "d"], {"b", "d"}, 10) == 1.0


def test_coverage_and_novelty():
    assert catalogue_coverage([["a", "b"], ["b", "c"]], 10) == 0.3
    # 100 shoppers; a touched by 50 (1 bit), b by 25 (2 bits); an untouched item counts as one shopper.
    assert novelty([["a", "b"]], {"a": 50, "b": 25}, 100) == pytest.approx(1.5)
    assert novelty([["x"]], {}, 8) == pytest.approx(3.0)


def test_report_averages_over_shoppers_with_relevant_items():
    report = ranking_report(
        {1: ["a", "b"], 2: ["c"], 3: ["a"]}, {1: {"b"}, 2: {"x"}, 3: set()}, k=2, catalogue_size=4, popularity={}, users=1
    )
    assert report["shoppers"] == 2
    assert report["precision@2"] == pytest.approx((0.5 + 0.0) / 2)
    assert report["recall@2"] == pytest.approx(0.5)
    assert report["coverage"] == 0.75
