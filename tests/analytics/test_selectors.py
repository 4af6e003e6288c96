"""Dashboard numbers from the rollups against hand computations on the conftest shops."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.analytics import selectors
from apps.analytics.filters import Filters
from apps.catalog.models import Category

pytestmark = pytest.mark.django_db


def _filters(shop, *, every_merchant: bool = False, days: int = 30, **kwargs) -> Filters:
    ids = None if every_merchant else (shop.merchant.pk,)
    return Filters(start=shop.day - timedelta(days=days - 1), end=shop.day, merchant_ids=ids, **kwargs)


def test_affinity_share_and_lift(built):
    shop, _ = built
    cells = {(r["segment"], r["category"]): r for r in selectors.affinity(_filters(shop))}
    # loyal: mugs 24, coasters 5 (29); new: mugs 12, coasters 10, tees 20 (42); overall mugs 36 of 71
    loyal_mugs = cells[("loyal", "Home > Mugs")]
    assert loyal_mugs["share"] == pytest.approx(24 / 29, abs=1e-4)
    assert loyal_mugs["lift"] == pytest.approx((24 / 29) / (36 / 71), abs=1e-3)
    assert cells[("new", "Apparel > Tees")]["share"] == pytest.approx(20 / 42, abs=1e-4)
    assert ("loyal", "Apparel > Tees") not in cells
    assert selectors.segments_available((shop.merchant.pk,)) == ["loyal", "new"]


def test_affinity_is_empty_without_a_segmentation(shop_a):
    from apps.analytics.rollups import rollups_rebuild

    rollups_rebuild()
    assert selectors.affinity(_filters(shop_a)).rows == []
    assert selectors.segments_available((shop_a.merchant.pk,)) == []


def test_cross_sell_rules(built):
    shop, _ = built
    rules = selectors.cross_sell(_filters(shop), kind="category", min_together=1).rows
    mugs_to_coasters = next(r for r in rules if r["antecedent"] == "Home > Mugs")
    # 3 revenue orders; mugs in 2, coasters in 2, together in 2
    assert mugs_to_coasters["consequent"] == "Home > Coasters"
    assert mugs_to_coasters["support"] == pytest.approx(2 / 3, abs=1e-4)
    assert mugs_to_coasters["confidence"] == pytest.approx(1.0)
    assert mugs_to_coasters["lift"] == pytest.approx(1.5)
    products = selectors.cross_sell(_filters(shop), kind="product", min_together=1).rows
    assert {(r["antecedent"], r["consequent"]) for r in products} == {
        ("Alpha Mug", "Alpha Coaster"),
        ("Alpha Coaster", "Alpha Mug"),
    }
    assert selectors.cross_sell(_filters(shop), kind="category").rows == []  # 2 orders together: below the default minimum


def test_funnel_and_breakdowns(built):
    shop, _ = built
    steps = {r["stage"]: r for r in selectors.funnel(_filters(shop, days=1))}
    assert [steps[s]["journeys"] for s in ("view", "add_to_cart", "checkout", "purchase")] == [4, 3, 1, 1]
    assert steps["add_to_cart"]["step_conversion"] == 0.75 and steps["add_to_cart"]["drop_off"] == 0.25
    assert steps["checkout"]["step_conversion"] == pytest.approx(1 / 3, abs=1e-4)
    assert steps["purchase"]["overall_conversion"] == 0.25
    assert selectors.funnel(_filters(shop, days=1), window="1h").rows[1]["journeys"] == 2
    by_device = {r["device"]: r for r in selectors.funnel_breakdown(_filters(shop, days=1), by="device")}
    assert by_device["mobile"]["views"] == 3 and by_device["mobile"]["conversion"] == pytest.approx(1 / 3)
    assert by_device["desktop"]["view_to_cart"] == 1.0 and by_device["desktop"]["cart_to_checkout"] == 0.0
    new = selectors.funnel(_filters(shop, days=1, segment="new")).rows
    assert [r["journeys"] for r in new] == [2, 1, 0, 0]
    mugs = selectors.funnel(_filters(shop, days=1, category=Category.objects.get(path="Home"))).rows
    assert [r["journeys"] for r in mugs] == [3, 3, 1, 1]  # mugs and coasters are under Home; the tee is not
    weeks = selectors.funnel_breakdown(_filters(shop, days=1), by="week").rows
    assert len(weeks) == 1 and weeks[0]["views"] == 4


def test_cohorts_retention_and_repeat_rate(built):
    shop, _ = built
    retention, repeat = selectors.cohorts(_filters(shop, days=60))
    first = shop.earlier.replace(day=1).isoformat()
    cells = {(r["cohort_month"], r["months_since"]): r for r in retention}
    assert cells[(first, 0)]["customers"] == 1 and cells[(first, 0)]["retention"] == 1.0
    rates = {r["cohort_month"]: r for r in repeat}
    assert rates[first]["repeat_rate"] == 1.0  # customer 1 came back
    assert rates[shop.day.replace(day=1).isoformat()]["repeat_rate"] == 0.0
    loyal_only, _ = selectors.cohorts(_filters(shop, days=60, segment="loyal"))
    assert {r["cohort_month"] for r in loyal_only} == {first}


def test_sellers_and_product_movement(built):
    shop, other = built
    rows = {r["merchant"]: r for r in selectors.sellers(_filters(shop, every_merchant=True, days=60))}
    alpha = rows[shop.merchant.slug]
    assert alpha["revenue"] == 91.0 and alpha["orders"] == 4  # 71 on day D and the 20 order 40 days before
    assert alpha["average_order_value"] == pytest.approx(91 / 4, abs=0.01)
    assert alpha["refunds"] == 1 and alpha["refund_rate"] == pytest.approx(1 / 5)
    assert alpha["conversion"] == 0.25
    assert (alpha["average_rating"], alpha["positive_share"], alpha["negative_share"]) == (3.33, 0.6667, 0.3333)
    assert set(rows) == {shop.merchant.slug, other.merchant.slug}
    only_a = selectors.sellers(_filters(shop, days=60))
    assert [r["merchant"] for r in only_a] == [shop.merchant.slug]
    movement = selectors.product_movement(_filters(shop, days=30))
    assert [r["product"] for r in movement.top][:2] == ["Alpha Mug", "Alpha Tee"]
    assert [(r["product"], r["change"]) for r in movement.declining] == [("Alpha Poster", -8.0)]


def test_kpi_bands_and_forecast_cover_the_range(built):
    shop, _ = built
    table = selectors.kpi_bands(_filters(shop))
    revenue = [r for r in table if r["kpi"] == "revenue"]
    assert len(revenue) == 30 and revenue[-1]["value"] == 71.0
    forecast = selectors.category_forecast(_filters(shop, days=60))
    actual = [r for r in forecast if r["kind"] == "actual" and r["category"] == "Home > Mugs"]
    assert len(actual) == 60 and sum(r["revenue"] for r in actual) == 48.0
    assert {r["kind"] for r in forecast} == {"actual", "forecast"}
