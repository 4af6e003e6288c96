"""RFM scores and Shopify group names on hand-made customers."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.segments.rfm import RFM_GROUPS, edge_scores, rfm_edges, rfm_group, rfm_scores

# (R score, F+M score) -> group: the documented grid, every cell.
GRID = {
    5: ["New", "Promising", "Active", "Champions", "Champions"],
    4: ["Promising", "Promising", "Active", "Champions", "Champions"],
    3: ["Needs attention", "Needs attention", "Needs attention", "Loyal", "Loyal"],
    2: ["Almost lost", "Almost lost", "At risk", "Previously loyal", "Previously loyal"],
    1: ["Dormant", "Dormant", "At risk", "Previously loyal", "Previously loyal"],
}


@pytest.mark.parametrize("recency", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("fm", [1, 2, 3, 4, 5])
def test_every_cell_of_the_grid_has_its_documented_group(recency, fm):
    assert rfm_group(recency, fm) == GRID[recency][fm - 1]


def test_every_named_group_is_reachable():
    assert {name for row in GRID.values() for name in row} | {"Prospects"} == set(RFM_GROUPS)


def test_scores_out_of_range_are_refused():
    with pytest.raises(ValueError):
        rfm_group(0, 3)


def _population() -> pd.DataFrame:
    # Ten ordinary customers fix the quintiles; the named ones are placed against them.
    rows = {f"base{i}": (10 * (i + 1), 1 + i % 5, 20.0 * (i + 1)) for i in range(10)}
    rows |= {
        "champion": (1, 12, 2000.0),  # ordered yesterday, often, a lot
        "new": (2, 1, 5.0),  # ordered once, just now, little
        "previously_loyal": (400, 12, 1800.0),  # used to order often and a lot, not for a year
        "dormant": (400, 1, 5.0),  # one small order long ago
        "loyal": (55, 9, 900.0),  # middling recency, strong frequency and spend
        "prospect": (0, 0, 0.0),  # never ordered
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["recency_days", "frequency", "monetary"])


def test_hand_made_customers_land_in_their_groups():
    scores = rfm_scores(_population())
    groups = scores["rfm_group"].to_dict()
    assert groups["champion"] == "Champions"
    assert groups["new"] == "New"
    assert groups["previously_loyal"] == "Previously loyal"
    assert groups["dormant"] == "Dormant"
    assert groups["loyal"] == "Loyal"
    assert groups["prospect"] == "Prospects"
    assert pd.isna(scores.loc["prospect", "r_score"])
    assert scores.loc["champion", ["r_score", "f_score", "m_score"]].tolist() == [5, 5, 5]
    assert scores.loc["dormant", ["r_score", "f_score", "m_score", "fm_score"]].tolist() == [1, 1, 1, 1]


def test_fm_is_the_floor_of_the_mean_of_f_and_m():
    scores = rfm_scores(_population())
    buyers = scores.dropna()
    assert (buyers["fm_score"] == (buyers["f_score"] + buyers["m_score"]) // 2).all()


def test_equal_values_share_a_score_and_ties_at_a_cut_point_do_not_beat_it():
    # Most customers ordered once: a single order must score F=1, not the middle quintile.
    frequency = pd.Series([1, 1, 1, 1, 1, 1, 2, 3, 5, 8], dtype=float)
    edges = rfm_edges(pd.DataFrame({"recency_days": frequency, "frequency": frequency, "monetary": frequency}))
    scores = edge_scores(frequency, edges["frequency"])
    assert set(scores[:6]) == {1}
    assert scores[-1] == 5


def test_recency_scores_fewer_days_higher():
    edges = [10.0, 20.0, 30.0, 40.0]
    assert edge_scores([1, 15, 25, 35, 90], edges, higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
