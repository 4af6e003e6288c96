"""Per-group reductions in numpy over integer group codes.

The alert features run on the whole marketplace at training and on one shopper per request;
a pandas groupby costs milliseconds of fixed overhead each, which dominates the one-shopper
case, while these stay linear in the rows with a tiny constant.
"""
from __future__ import annotations

import numpy as np


def group_min(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    out = np.full(groups, np.inf)
    np.minimum.at(out, codes, values)
    return out


def group_max(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    out = np.full(groups, -np.inf)
    np.maximum.at(out, codes, values)
    return out


def group_median(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """Median per group (NaN for empty groups), by sorting on (group, value) once."""
    order = np.lexsort((values, codes))
    counts = np.bincount(codes, minlength=groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    ordered = values[order]
    out = np.full(groups, np.nan)
    has = counts > 0
    low = ordered[starts[has] + (counts[has] - 1) // 2]
    high = ordered[starts[has] + counts[has] // 2]
    out[has] = (low + high) / 2
    return out


def distinct_per_group(codes: np.ndarray, keys: np.ndarray, groups: int) -> np.ndarray:
    """How many different `keys` (non-negative ints) each group has."""
    if len(codes) == 0:
        return np.zeros(groups)
    pairs = np.unique(np.stack([codes, keys], axis=1), axis=0)
    return np.bincount(pairs[:, 0], minlength=groups).astype(np.float64)
