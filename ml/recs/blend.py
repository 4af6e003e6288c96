"""Combining source scores into one ranked, filtered and diversified list.

Each source's scores are divided by their maximum over the items still allowed for this
shopper, so a weight means the same whatever scale the source works on; the blend is the
weighted sum. The diversity step then walks down the ranking and discounts items from a
category already shown (and drops near-identical twins), so ten mugs become a mug, a print, a tee…
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from ml.recs.neighbours import Neighbours

BLENDED_SOURCES = ("item_knn", "als", "content", "trending", "segment", "session")
DEFAULT_WEIGHTS: dict[str, float] = {
    "item_knn": 1.0,
    "als": 1.0,
    "content": 0.3,
    "trending": 0.3,
    "segment": 0.3,
    "session": 2.0,
}
"""Before tuning (and for sources the offline evaluation cannot tune, such as the session boost)."""
CATEGORY_DECAY = 0.75
"""Each item already shown from a category multiplies the next one's score by this."""
DUPLICATE_SIMILARITY = 0.9
"""Content cosine above which two items count as the same thing in another colour."""
POOL_FACTOR = 5


def normalised(vector: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """`vector` over its maximum among allowed items (zeros when nothing allowed scores)."""
    top = float(vector[allowed].max()) if allowed.any() else 0.0
    return vector / top if top > 0 else np.zeros_like(vector)


def combine(
    vectors: dict[str, np.ndarray], weights: dict[str, float], allowed: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The blended score of every item (-inf where not allowed) and each source's weighted share."""
    parts = {
        name: weights[name] * normalised(vector, allowed)
        for name, vector in vectors.items()
        if weights.get(name, 0.0) > 0
    }
    total = np.zeros(len(allowed), dtype=np.float64)
    for part in parts.values():
        total += part
    total[~allowed] = -np.inf
    return total, parts


def top_items(total: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` best finite scores, best first (ties by index, so results are stable)."""
    finite = np.nonzero(np.isfinite(total))[0]
    if len(finite) == 0:
        return finite
    count = min(count, len(finite))
    pick = finite[np.argpartition(-total[finite], count - 1)[:count]] if count < len(finite) else finite
    return pick[np.lexsort((pick, -total[pick]))]


def diversify(
    total: np.ndarray,
    *,
    limit: int,
    categories: np.ndarray,
    content: Neighbours | None,
    decay: float = CATEGORY_DECAY,
    duplicate_similarity: float = DUPLICATE_SIMILARITY,
) -> list[int]:
    """Greedy re-ranking of the best `limit * POOL_FACTOR` items: category repeats decay, near-twins are dropped."""
    pool = list(top_items(total, limit * POOL_FACTOR))
    shown: dict[int, int] = defaultdict(int)
    picked: list[int] = []
    while pool and len(picked) < limit:
        values = [total[item] * decay ** shown[categories[item]] for item in pool]
        item = int(pool.pop(int(np.argmax(values))))
        if content is not None and any(content.similarity(item, other) >= duplicate_similarity for other in picked):
            continue
        picked.append(item)
        shown[categories[item]] += 1
    return picked
