import pandas as pd
import pytest

from ml.evaluation import card_precision_top_k, precision_recall_at, ranking_metrics


def test_card_precision_top_k_by_hand():
    frame = pd.DataFrame(
        [
            # day 1: cards by max score A 0.9 (fraud), B 0.8, C 0.7 (fraud) -> top 2 = A, B -> 1/2
            (1, "A", 0.9, 1),
            (1, "A", 0.1, 0),
            (1, "B", 0.8, 0),
            (1, "C", 0.7, 1),
            (1, "C", 0.2, 0),
            # day 2: A already detected and dropped; C 0.95 (fraud), D 0.6 (fraud) -> 2/2
            (2, "A", 0.99, 1),
            (2, "C", 0.95, 1),
            (2, "D", 0.6, 1),
            (2, "E", 0.1, 0),
        ],
        columns=["day", "card_id", "score", "is_fraud"],
    )
    mean, per_day = card_precision_top_k(frame, k=2)
    assert per_day.tolist() == [0.5, 1.0]
    assert mean == 0.75
    kept, _ = card_precision_top_k(frame, k=2, remove_detected=False)
    assert kept == pytest.approx((0.5 + 1.0) / 2)


def test_precision_recall_at_threshold_and_ranking_metrics():
    y = [0, 0, 1, 1]
    scores = [0.1, 0.6, 0.4, 0.9]
    at = precision_recall_at(y, scores, 0.5)
    assert (at["precision"], at["recall"], at["flagged"]) == (0.5, 0.5, 2)
    assert ranking_metrics(y, scores)["auc_roc"] == 0.75
