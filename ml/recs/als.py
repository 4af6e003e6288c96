"""Implicit-feedback matrix factorisation (Hu, Koren and Volinsky 2008), solved by alternating least squares.

Each observed (shopper, item) weight w becomes a confidence 1 + alpha * w that the shopper
prefers the item; unobserved pairs are weak negatives. Each half-step solves every shopper's (or
item's) regularised least-squares problem with a few conjugate-gradient iterations, vectorised
over all rows at once (the sparse structure never leaves scipy), as Takács et al. 2011 suggest.

`als_fold_in` solves the same problem exactly for one shopper from their latest interactions,
so a shopper seen since the nightly training gets a personal vector at request time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits


@dataclass(frozen=True)
class ALSFactors:
    user_factors: np.ndarray
    item_factors: np.ndarray
    regularization: float
    alpha: float
    gram: np.ndarray
    """Y^T Y + regularization * I, precomputed for fold-in."""


def _conjugate_gradient(
    x: np.ndarray, other: np.ndarray, confidence: sparse.csr_matrix, regularization: float, steps: int
) -> np.ndarray:
    """A few CG steps on (Y^T C_u Y + reg I) x_u = Y^T C_u p_u for every row u at once, warm-started at x."""
    gram = other.T @ other + regularization * np.eye(other.shape[1], dtype=other.dtype)
    rows = np.repeat(np.arange(confidence.shape[0]), np.diff(confidence.indptr))
    cols = confidence.indices
    extra = confidence.data  # c - 1 = alpha * w on observed pairs
    pattern = confidence.copy()
    gathered = other[cols]

    def apply(vectors: np.ndarray) -> np.ndarray:
        pattern.data = np.einsum("ij,ij->i", vectors[rows], gathered) * extra
        return vectors @ gram + pattern @ other

    ones = confidence.copy()
    ones.data = extra + 1.0
    residual = ones @ other - apply(x)
    direction = residual.copy()
    old = np.einsum("ij,ij->i", residual, residual)
    for _ in range(steps):
        applied = apply(direction)
        denominator = np.einsum("ij,ij->i", direction, applied)
        step = np.divide(old, denominator, out=np.zeros_like(old), where=denominator > 1e-12)
        x = x + step[:, None] * direction
        residual = residual - step[:, None] * applied
        new = np.einsum("ij,ij->i", residual, residual)
        ratio = np.divide(new, old, out=np.zeros_like(new), where=old > 1e-12)
        direction = residual + ratio[:, None] * direction
        old = new
    return x


def als_fit(
    matrix: sparse.csr_matrix,
    *,
    factors: int = 48,
    iterations: int = 8,
    regularization: float = 0.1,
    alpha: float = 10.0,
    cg_steps: int = 3,
    seed: int = 0,
) -> ALSFactors:
    """Factor the shoppers x items weight matrix; returns float32 factors.

    BLAS runs single-threaded: the products are thin (rows x factors), and a thread pool spinning
    on a shared machine made training four times slower, not faster.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _als_fit(matrix, factors=factors, iterations=iterations, regularization=regularization, alpha=alpha,
                        cg_steps=cg_steps, seed=seed)


def _als_fit(
    matrix: sparse.csr_matrix, *, factors: int, iterations: int, regularization: float, alpha: float, cg_steps: int, seed: int
) -> ALSFactors:
    rng = np.random.default_rng(seed)
    users, items = matrix.shape
    x = (rng.standard_normal((users, factors)) * 0.01).astype(np.float32)
    y = (rng.standard_normal((items, factors)) * 0.01).astype(np.float32)
    confidence = matrix.astype(np.float32).tocsr()
    confidence.data = confidence.data * alpha
    transposed = confidence.T.tocsr()
    for _ in range(iterations):
        x = _conjugate_gradient(x, y, confidence, regularization, cg_steps)
        y = _conjugate_gradient(y, x, transposed, regularization, cg_steps)
    gram = y.astype(np.float64).T @ y.astype(np.float64) + regularization * np.eye(factors)
    return ALSFactors(
        user_factors=x.astype(np.float32),
        item_factors=y.astype(np.float32),
        regularization=regularization,
        alpha=alpha,
        gram=gram,
    )


def als_fold_in(model: ALSFactors, items: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The exact least-squares shopper vector for interactions (item indices, weights) against fixed item factors."""
    if len(items) == 0:
        return np.zeros(model.item_factors.shape[1], dtype=np.float32)
    unique, inverse = np.unique(items, return_inverse=True)
    summed = np.bincount(inverse, weights=weights).astype(np.float64)
    vectors = model.item_factors[unique].astype(np.float64)
    extra = model.alpha * summed
    system = model.gram + (vectors.T * extra) @ vectors
    target = vectors.T @ (1.0 + extra)
    return np.linalg.solve(system, target).astype(np.float32)
