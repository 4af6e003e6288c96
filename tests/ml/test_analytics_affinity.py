"""Affinity matrix: share and lift against a hand computation."""
from __future__ import annotations

import pandas as pd
import pytest

from ml.analytics.affinity import affinity_matrix


def test_share_and_lift_match_the_hand_computation():
    frame = pd.DataFrame(
        [("loyal", "mugs", 60.0), ("loyal", "shirts", 40.0), ("new", "mugs", 10.0), ("new", "shirts", 90.0)]
        + [("new", "mugs", 0.0)],
        columns=["segment", "category", "revenue"],
    )
    result = affinity_matrix(frame)
    # overall mix: mugs 70/200, shirts 130/200
    assert result.overall["mugs"] == pytest.approx(0.35)
    assert result.share.at["loyal", "mugs"] == pytest.approx(0.6)
    assert result.share.at["new", "shirts"] == pytest.approx(0.9)
    assert result.lift.at["loyal", "mugs"] == pytest.approx(0.6 / 0.35)
    assert result.lift.at["new", "mugs"] == pytest.approx(0.1 / 0.35)
    assert result.share.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])


def test_rows_and_columns_without_value_are_dropped_and_empty_input_is_empty():
    frame = pd.DataFrame([("a", "x", 5.0), ("b", "x", 0.0), ("a", "y", 0.0)], columns=["segment", "category", "revenue"])
    result = affinity_matrix(frame)
    assert list(result.share.index) == ["a"] and list(result.share.columns) == ["x"]
    assert result.lift.at["a", "x"] == pytest.approx(1.0)
    assert affinity_matrix(frame.iloc[0:0]).share.empty
