"""Identifier columns built in one vectorised step (a million ids in well under a second)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def sequential_ids(prefix: str, count: int, width: int, start: int = 1) -> np.ndarray:
    """"PRE-000001", "PRE-000002", … as an object array."""
    numbers = pd.Series(np.arange(start, start + count)).astype(str).str.zfill(width)
    return (prefix + numbers).to_numpy(dtype=object)


def random_hex_ids(rng: np.random.Generator, prefix: str, count: int) -> np.ndarray:
    """Opaque ids such as device ids and card fingerprints: prefix + 12 hex digits."""
    values = rng.integers(0, 2**48, size=count, dtype=np.int64)
    return np.char.add(prefix, np.char.mod("%012x", values)).astype(object)
