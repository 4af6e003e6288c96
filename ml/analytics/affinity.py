"""Affinity of customer segments for categories: each segment's mix, and its lift over the overall mix.

Share answers "what does this segment buy" (a row sums to 1). Lift answers "what does this
segment buy *more* than everyone else": share(segment, category) / share(all, category), so 1.0
is the overall mix, 2.0 twice as much, 0.5 half. A small category can have a large lift on
few orders, which is why the share is always shown next to it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Affinity:
    share: pd.DataFrame
    """rows: segments, columns: categories; each row sums to 1 (rows without any value are dropped)."""
    lift: pd.DataFrame
    """same shape: share divided by the overall share of the column."""
    overall: pd.Series
    """the overall mix: each column's share of the grand total."""


def affinity_matrix(frame: pd.DataFrame, *, row: str = "segment", column: str = "category", value: str = "revenue") -> Affinity:
    """Share and lift from long rows (row, column, value); repeated (row, column) pairs are summed."""
    table = frame.pivot_table(index=row, columns=column, values=value, aggfunc="sum", fill_value=0.0).astype(float)
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.empty:
        empty = pd.DataFrame(dtype=float)
        return Affinity(share=empty, lift=empty, overall=pd.Series(dtype=float))
    share = table.div(table.sum(axis=1), axis=0)
    overall = table.sum(axis=0) / table.to_numpy().sum()
    return Affinity(share=share, lift=share.div(overall, axis=1), overall=overall)
