"""Top-k ranking metrics for recommendation lists, each for one shopper, plus list-level coverage and novelty.

A shopper's `recommended` is the ranked list shown (best first); `relevant` the set of items the
shopper went on to interact with in the held-out period. Averages over shoppers are the caller's
job (every shopper with at least one relevant item counts once).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np


def precision_at_k(recommended: Sequence, relevant: set, k: int) -> float:
    """Share of the k slots filled with relevant items (an unfilled slot counts as a miss)."""
    hits = sum(1 for item in recommended[:k] if item in relevant)
    return hits / k


def recall_at_k(recommended: Sequence, relevant: set, k: int) -> float:
    """Share of the relevant items found in the top k."""
    if not relevant:
        return 0.0
    return sum(1 for item in recommended[:k] if item in relevant) / len(relevant)


def ndcg_at_k(recommended: Sequence, relevant: set, k: int) -> float:
    """Binary-relevance nDCG: DCG of the list over the DCG of an ideal list (all relevant items first)."""
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 2) for rank, item in enumerate(recommended[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return dcg / ideal


def average_precision_at_k(recommended: Sequence, relevant: set, k: int) -> float:
    """AP@k: mean of precision@i at each rank i holding a relevant item, over min(|relevant|, k)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, item in enumerate(recommended[:k]):
        if item in relevant:
            hits += 1
            total += hits / (rank + 1)
    return total / min(len(relevant), k)


def catalogue_coverage(lists: Iterable[Sequence], catalogue_size: int) -> float:
    """Share of the catalogue that appears in at least one list: low means everyone sees the same few items."""
    shown = set()
    for items in lists:
        shown.update(items)
    return len(shown) / catalogue_size if catalogue_size else 0.0


def novelty(lists: Iterable[Sequence], popularity: dict, users: int) -> float:
    """Mean self-information -log2(share of shoppers who interacted with the item) of recommended items.

    Higher is more novel (less obvious) items; an item nobody touched counts as seen by one shopper.
    """
    values = [
        -math.log2(max(popularity.get(item, 0), 1) / users)
        for items in lists
        for item in items
    ]
    return float(np.mean(values)) if values else 0.0


def ranking_report(lists: dict, relevant: dict, *, k: int, catalogue_size: int, popularity: dict, users: int) -> dict[str, float]:
    """Every metric for `lists` (shopper -> ranked items) against `relevant` (shopper -> set), averaged over shoppers."""
    scored = [shopper for shopper in relevant if relevant[shopper]]
    rows = np.array([
        (
            precision_at_k(lists.get(s, []), relevant[s], k),
            recall_at_k(lists.get(s, []), relevant[s], k),
            ndcg_at_k(lists.get(s, []), relevant[s], k),
            average_precision_at_k(lists.get(s, []), relevant[s], k),
        )
        for s in scored
    ]).reshape(-1, 4)
    means = rows.mean(axis=0) if len(rows) else np.zeros(4)
    shown = [lists.get(s, [])[:k] for s in scored]
    return {
        f"precision@{k}": float(means[0]),
        f"recall@{k}": float(means[1]),
        f"ndcg@{k}": float(means[2]),
        f"map@{k}": float(means[3]),
        "coverage": catalogue_coverage(shown, catalogue_size),
        "novelty": novelty(shown, popularity, users),
        "shoppers": len(scored),
    }
