"""Bucketing: deterministic, independent per salt, and splitting traffic by the weights."""
from __future__ import annotations

from collections import Counter

import pytest

from ml.experiments.assignment import BUCKETS, HOLDOUT, allocation, assign, bucket


def test_bucket_is_deterministic_and_in_range():
    assert bucket("salt", "C-1") == bucket("salt", "C-1")
    assert all(0 <= bucket("s", f"u{i}") < BUCKETS for i in range(1000))
    # A pinned value: the hash must not change between releases, or shoppers would switch variants.
    assert bucket("abc", "shopper-42") == int.from_bytes(
        __import__("hashlib").sha256(b"abc:shopper-42").digest()[:8], "big"
    ) % BUCKETS


def test_salts_split_independently():
    first = [bucket("one", f"u{i}") < BUCKETS // 2 for i in range(4000)]
    second = [bucket("two", f"u{i}") < BUCKETS // 2 for i in range(4000)]
    agreement = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
    assert 0.45 < agreement < 0.55


def test_split_follows_weights_and_holdout_within_tolerance():
    plan = allocation(holdout_share=0.1, weights=[("control", 1), ("a", 1), ("b", 2)])
    counts = Counter(assign(salt="exp-1", unit_id=f"C{i}", allocation=plan) for i in range(20_000))
    expected = {HOLDOUT: 0.1, "control": 0.225, "a": 0.225, "b": 0.45}
    for arm, share in expected.items():
        assert abs(counts[arm] / 20_000 - share) < 0.012, (arm, counts[arm])


def test_allocation_boundaries_are_exact():
    plan = allocation(holdout_share=0.2, weights=[("control", 3), ("b", 1)])
    assert plan.holdout_end == 2000
    assert plan.arms == ((8000, "control"), (10_000, "b"))
    assert plan.arm_for(1999) == HOLDOUT and plan.arm_for(2000) == "control" and plan.arm_for(8000) == "b"


@pytest.mark.parametrize(
    "holdout, weights",
    [(1.0, [("a", 1)]), (-0.1, [("a", 1)]), (0.0, []), (0.0, [("a", 0)])],
)
def test_allocation_refuses_impossible_plans(holdout, weights):
    with pytest.raises(ValueError):
        allocation(holdout_share=holdout, weights=weights)
