"""Deterministic bucketing of units (shoppers) into an experiment's holdout and variants.

A unit's bucket is a hash of the experiment's salt and the unit id, so the same shopper sees the
same variant on every request and in every process without storing an assignment, and two
experiments with different salts split shoppers independently of each other.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

BUCKETS = 10_000
HOLDOUT = "holdout"
"""The arm name of units held out of an experiment (a variant may not use this key)."""


def bucket(salt: str, unit_id: str) -> int:
    """The unit's bucket in [0, BUCKETS): the first 8 bytes of SHA-256(salt:unit_id), modulo BUCKETS.

    SHA-256 rather than Python's `hash()`, which is randomised per process.
    """
    digest = hashlib.sha256(f"{salt}:{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


@dataclass(frozen=True)
class Allocation:
    """Bucket boundaries: [0, holdout_end) is the holdout, then one half-open range per arm."""

    holdout_end: int
    arms: tuple[tuple[int, str], ...]
    """(exclusive upper bucket, arm key), ascending; the last upper bound is BUCKETS."""

    def arm_for(self, bucket_number: int) -> str:
        if bucket_number < self.holdout_end:
            return HOLDOUT
        for upper, key in self.arms:
            if bucket_number < upper:
                return key
        return self.arms[-1][1]


def allocation(*, holdout_share: float, weights: Sequence[tuple[str, float]]) -> Allocation:
    """Split the buckets: the holdout share first, the rest in proportion to the arms' weights.

    Boundaries are rounded to whole buckets, so an arm's share is exact to 1/BUCKETS.
    """
    if not weights:
        raise ValueError("an allocation needs at least one arm")
    if not 0 <= holdout_share < 1:
        raise ValueError("holdout_share must be in [0, 1)")
    if any(weight <= 0 for _, weight in weights):
        raise ValueError("weights must be positive")
    holdout_end = round(holdout_share * BUCKETS)
    total = sum(weight for _, weight in weights)
    available = BUCKETS - holdout_end
    arms: list[tuple[int, str]] = []
    cumulative = 0.0
    for key, weight in weights:
        cumulative += weight
        arms.append((holdout_end + round(available * cumulative / total), key))
    arms[-1] = (BUCKETS, arms[-1][1])
    return Allocation(holdout_end=holdout_end, arms=tuple(arms))


def assign(*, salt: str, unit_id: str, allocation: Allocation) -> str:
    """The arm key (a variant key or HOLDOUT) of `unit_id`."""
    return allocation.arm_for(bucket(salt, unit_id))
