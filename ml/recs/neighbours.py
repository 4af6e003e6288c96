"""Nearest neighbours by cosine similarity, precomputed at training time so serving only looks them up."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize


@dataclass(frozen=True)
class Neighbours:
    """For item i: `indices[i]` its most similar items, best first, with `similarities[i]` (0 where none)."""

    indices: np.ndarray
    similarities: np.ndarray

    def of(self, item: int) -> tuple[np.ndarray, np.ndarray]:
        keep = self.similarities[item] > 0
        return self.indices[item][keep], self.similarities[item][keep]

    def similarity(self, item: int, other: int) -> float:
        hit = np.nonzero(self.indices[item] == other)[0]
        return float(self.similarities[item][hit[0]]) if len(hit) else 0.0


def cosine_neighbours(vectors, *, k: int, block: int = 512, shrink: float = 0.0) -> Neighbours:
    """Top-k cosine neighbours of every row of `vectors` (dense or sparse), excluding itself.

    `shrink` damps similarities of rows supported by little data (sim * n / (n + shrink), n the
    row's non-zero count), so two items viewed once by the same shopper are not "identical".
    """
    rows = vectors.shape[0]
    k = max(0, min(k, rows - 1))
    normalised = normalize(sparse.csr_matrix(vectors, dtype=np.float32), norm="l2", axis=1)
    support = np.diff(sparse.csr_matrix(vectors).indptr).astype(np.float32)
    damping = support / (support + shrink) if shrink > 0 else np.ones(rows, dtype=np.float32)
    indices = np.zeros((rows, k), dtype=np.int32)
    similarities = np.zeros((rows, k), dtype=np.float32)
    if k == 0:
        return Neighbours(indices, similarities)
    transposed = normalised.T.tocsc()
    for start in range(0, rows, block):
        stop = min(start + block, rows)
        scores = (normalised[start:stop] @ transposed).toarray()
        scores[np.arange(stop - start), np.arange(start, stop)] = -1.0
        scores *= np.minimum(damping[start:stop, None], damping[None, :])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(top, order, axis=1)
        similarities[start:stop] = np.clip(np.take_along_axis(top_scores, order, axis=1), 0.0, None)
    return Neighbours(indices, similarities)
