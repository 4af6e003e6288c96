"""Funnel journeys within a conversion window, and step/overall conversion, against hand counts."""
from __future__ import annotations

import pandas as pd
import pytest

from ml.analytics.funnel import funnel_steps, journeys, stage_counts

T0 = pd.Timestamp("2026-03-02", tz="UTC")


def _at(hours: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(hours=hours)


EVENTS = pd.DataFrame(
    [
        ("a", "view", _at(0), "mobile"),
        ("a", "add_to_cart", _at(0.5), "mobile"),
        ("a", "checkout", _at(2), "mobile"),
        ("a", "purchase", _at(3), "mobile"),
        ("b", "view", _at(1), "desktop"),
        ("b", "purchase", _at(1.5), "desktop"),  # skipped cart and checkout: stays at "viewed"
        ("c", "add_to_cart", _at(0), "mobile"),  # a cart before the view does not count
        ("c", "view", _at(1), "mobile"),
        ("c", "add_to_cart", _at(1.2), "mobile"),
        ("c", "view", _at(25), "desktop"),  # the next day: a second journey
    ],
    columns=["visitor", "type", "timestamp", "device"],
)


def test_the_window_decides_how_far_a_journey_gets():
    one_hour = journeys(EVENTS, window=pd.Timedelta(hours=1))
    assert stage_counts(one_hour["reached"]) == [4, 2, 0, 0]
    one_day = journeys(EVENTS, window=pd.Timedelta(days=1))
    assert stage_counts(one_day["reached"]) == [4, 2, 1, 1]
    reached = dict(zip(one_day["visitor"] + one_day["day"].dt.strftime("%d"), one_day["reached"], strict=True))
    assert reached == {"a02": 4, "b02": 1, "c02": 2, "c03": 1}


def test_a_journey_carries_the_attributes_of_its_first_view():
    started = journeys(EVENTS, window=pd.Timedelta(days=1)).set_index(["visitor", "day"])
    assert started.loc[("c", T0.floor("D") + pd.Timedelta(days=1)), "device"] == "desktop"
    assert started.loc[("a", T0.floor("D")), "device"] == "mobile"


def test_conversion_and_drop_off_rates():
    steps = funnel_steps([200, 50, 20, 10])
    assert [s.overall for s in steps] == pytest.approx([1.0, 0.25, 0.1, 0.05])
    assert steps[0].step is None and steps[0].drop_off is None
    assert steps[1].step == pytest.approx(0.25) and steps[1].drop_off == pytest.approx(0.75)
    assert steps[3].step == pytest.approx(0.5)
    empty = funnel_steps([0, 0, 0, 0])
    assert empty[0].overall is None and empty[2].step is None
