"""Ranking and alerting metrics for fraud scores, including the handbook's card precision top-k.

Card precision top-k (Le Borgne et al., chapter 4.2) is what a fraud team of limited size
sees: each day investigators can check k cards, so the useful question is how many of the k
riskiest cards of the day (a card's risk = its highest score that day) really were
compromised (had at least one fraudulent payment that day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score


def ranking_metrics(y_true, scores) -> dict[str, float]:
    """AUC-ROC and average precision (the area under the precision-recall curve)."""
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    return {"auc_roc": float(roc_auc_score(y, s)), "average_precision": float(average_precision_score(y, s))}


def precision_recall_at(y_true, scores, threshold: float) -> dict[str, float]:
    """Precision, recall and flagged share when every score >= threshold is flagged."""
    y = np.asarray(y_true, dtype=bool)
    flagged = np.asarray(scores, dtype=float) >= threshold
    true_positives = int((flagged & y).sum())
    return {
        "threshold": float(threshold),
        "precision": true_positives / flagged.sum() if flagged.any() else float("nan"),
        "recall": true_positives / y.sum() if y.any() else float("nan"),
        "flagged_rate": float(flagged.mean()) if len(flagged) else float("nan"),
        "flagged": int(flagged.sum()),
    }


def card_precision_top_k(
    frame: pd.DataFrame,
    *,
    k: int,
    day: str = "day",
    card: str = "card_id",
    score: str = "score",
    label: str = "is_fraud",
    remove_detected: bool = True,
) -> tuple[float, pd.Series]:
    """Mean over days of |top-k cards by max score that day ∩ compromised that day| / k, and the per-day values.

    As in the handbook, a card found compromised on one day is dropped from later days when
    ``remove_detected`` (it has been blocked, so it cannot be "found" again).
    """
    per_card = frame.groupby([day, card], sort=True).agg(score=(score, "max"), fraud=(label, "max"))
    detected: set = set()
    precisions = {}
    for current_day, cards in per_card.groupby(level=0, sort=True):
        cards = cards.droplevel(0)
        if remove_detected:
            cards = cards[~cards.index.isin(detected)]
        top = cards.sort_values("score", ascending=False, kind="stable").head(k)
        hits = top.index[top["fraud"].astype(bool)]
        detected.update(hits)
        precisions[current_day] = len(hits) / k
    per_day = pd.Series(precisions, name=f"card_precision_top_{k}", dtype=float)
    return (float(per_day.mean()) if len(per_day) else float("nan")), per_day
