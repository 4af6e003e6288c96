"""Rollups against hand counts of the conftest shops; idempotent rebuilds; incremental refresh."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.analytics import rollups
from apps.analytics.models import (
    CohortActivity,
    DailyCategorySales,
    DailyFunnel,
    DailyMerchantKPI,
    DailyPair,
    DailyProductSales,
    DailySegmentCategory,
    RollupRun,
)
from tests import factories
from tests.analytics.conftest import at

pytestmark = pytest.mark.django_db


def test_daily_kpis_match_the_hand_count(built):
    shop, _ = built
    kpi = DailyMerchantKPI.objects.get(merchant=shop.merchant, day=shop.day)
    assert kpi.revenue == Decimal("71.00")  # 29 + 22 + 20: refunded and cancelled orders bring no money
    assert (kpi.orders, kpi.units, kpi.customers) == (3, 7, 3)
    assert (kpi.refunds, kpi.refunded_amount) == (1, Decimal("20.00"))
    assert (kpi.visitors, kpi.journeys, kpi.purchases) == (4, 4, 1)
    assert (kpi.reviews, kpi.rating_sum, kpi.positive_reviews, kpi.negative_reviews) == (3, 10, 2, 1)


def test_category_product_and_pair_rollups(built):
    shop, _ = built
    categories = {
        r.category.name: (r.revenue, r.orders, r.units)
        for r in DailyCategorySales.objects.filter(merchant=shop.merchant, day=shop.day).select_related("category")
    }
    assert categories == {
        "Mugs": (Decimal("36.00"), 2, 3),
        "Coasters": (Decimal("15.00"), 2, 3),
        "Tees": (Decimal("20.00"), 1, 1),
    }
    product = DailyProductSales.objects.get(merchant=shop.merchant, day=shop.day, product=shop.mug)
    assert (product.revenue, product.orders, product.units) == (Decimal("36.00"), 2, 3)
    pairs = DailyPair.objects.filter(merchant=shop.merchant, day=shop.day)
    mug, coaster = sorted([shop.mug.pk, shop.coaster.pk])
    assert {(p.kind, p.a, p.b, p.orders) for p in pairs.filter(kind="product")} == {("product", mug, coaster, 2)}
    assert pairs.filter(kind="category").get().orders == 2


def test_funnel_rollup_per_window_and_device(built):
    shop, _ = built

    def stages(window: str, **where) -> tuple[int, int, int, int]:
        rows = DailyFunnel.objects.filter(merchant=shop.merchant, day=shop.day, window=window, **where)
        return tuple(sum(getattr(r, f) for r in rows) for f in ("views", "carts", "checkouts", "purchases"))

    assert stages("1d") == (4, 3, 1, 1)
    assert stages("1h") == (4, 2, 1, 1)  # the anonymous visitor's cart came 23 hours later
    assert stages("7d") == (4, 3, 1, 1)
    assert stages("1d", device="mobile") == (3, 2, 1, 1)
    assert stages("1d", device="desktop") == (1, 1, 0, 0)
    assert stages("1d", segment="new") == (2, 1, 0, 0)
    assert stages("1d", category__name="Mugs") == (2, 2, 1, 1)


def test_segment_and_cohort_rollups(built):
    shop, _ = built
    loyal = DailySegmentCategory.objects.filter(merchant=shop.merchant, day=shop.day, segment="loyal")
    assert sorted((r.category.name, r.revenue) for r in loyal) == [("Coasters", Decimal("5.00")), ("Mugs", Decimal("24.00"))]
    first_month = shop.earlier.replace(day=1)
    months = (shop.day.year * 12 + shop.day.month) - (shop.earlier.year * 12 + shop.earlier.month)
    c1 = CohortActivity.objects.get(merchant=shop.merchant, cohort_month=first_month, months_since=months)
    assert (c1.segment, c1.customers, c1.orders, c1.revenue, c1.repeaters) == ("loyal", 1, 1, Decimal("29.00"), 1)
    acquired = CohortActivity.objects.filter(merchant=shop.merchant, cohort_month=shop.day.replace(day=1), months_since=0)
    assert sum(r.customers for r in acquired) == 2  # customers 2 and 3; customer 1 was acquired earlier


ROLLUPS = (DailyMerchantKPI, DailyCategorySales, DailyProductSales, DailySegmentCategory, DailyFunnel, DailyPair, CohortActivity)


def _snapshot() -> dict:
    """Every rollup row's values without its id (ids change on a rebuild, values must not)."""
    return {
        m.__name__: sorted(map(repr, m.objects.values_list(*[f.attname for f in m._meta.concrete_fields if f.attname != "id"])))
        for m in ROLLUPS
    }


def test_rebuilding_gives_the_same_rows(built):
    before = _snapshot()
    assert all(before.values())
    rollups.rollups_rebuild()
    assert _snapshot() == before


def test_incremental_refresh_recomputes_only_the_touched_days(built):
    shop, other = built
    assert RollupRun.objects.count() == 1
    factories.OrderItemFactory(
        order=factories.OrderFactory(merchant=shop.merchant, customer=shop.customers[2], status="paid", total=Decimal("40.00"),
                                     placed_at=at(shop.day, 16)),
        product=shop.tee, quantity=2, unit_price=Decimal("20.00"),
    )
    summary = rollups.rollups_refresh()
    assert summary.merchant_ids == (shop.merchant.pk,)
    assert summary.days == (rollups.LOOKAHEAD.days + 1)  # the day, and the funnel's look-back
    kpi = DailyMerchantKPI.objects.get(merchant=shop.merchant, day=shop.day)
    assert (kpi.revenue, kpi.orders) == (Decimal("111.00"), 4)
    assert DailyMerchantKPI.objects.get(merchant=other.merchant, day=other.day).revenue == Decimal("71.00")
    assert rollups.rollups_refresh().merchant_ids == ()  # nothing changed since


def test_first_refresh_is_a_full_build(shop_a):
    summary = rollups.rollups_refresh()
    assert summary.merchant_ids == (shop_a.merchant.pk,)
    assert DailyMerchantKPI.objects.filter(merchant=shop_a.merchant).count() >= 2


def test_command_rebuilds_one_merchant_from_a_day(shop_a, shop_b, capsys):
    call_command("rebuild_rollups", "--merchant", shop_a.merchant.slug, "--since", shop_a.day.isoformat(), "--no-progress")
    assert "Rebuilt rollups of 1 merchant(s)" in capsys.readouterr().out
    assert set(DailyMerchantKPI.objects.values_list("merchant_id", flat=True)) == {shop_a.merchant.pk}
    assert not DailyMerchantKPI.objects.filter(day__lt=shop_a.day).exists()
    assert DailyMerchantKPI.objects.filter(day=shop_a.day + timedelta(days=1)).exists()  # the next-day cart event


def test_command_refuses_an_unknown_merchant(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("rebuild_rollups", "--merchant", "nope", "--no-progress")
