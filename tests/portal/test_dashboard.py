"""Dashboard numbers against hand-made data, inside the user's scope."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.dashboard.selectors import Period, dashboard_overview, funnel
from tests import factories


def _order(merchant, total: str, *, days_ago: float = 1, status: str = "paid", **kwargs):
    return factories.OrderFactory(
        merchant=merchant, total=Decimal(total), status=status, placed_at=timezone.now() - timedelta(days=days_ago), **kwargs
    )


def _event(merchant, kind: str, session: str, *, days_ago: float = 1):
    return factories.EventFactory(
        merchant=merchant, type=kind, session_id=session, timestamp=timezone.now() - timedelta(days=days_ago)
    )


def _card(html: str, slug: str) -> str:
    match = re.search(rf'data-kpi="{slug}">.*?class="kpi__value">(.*?)</div>', html, re.S)
    assert match, f"no {slug} card"
    return match.group(1).strip()


@pytest.fixture
def sales(merchant_a, merchant_b):
    customer = factories.CustomerFactory()
    _order(merchant_a, "10.00", customer=customer)
    _order(merchant_a, "15.50", days_ago=3)
    _order(merchant_a, "99.00", status="cancelled")  # never revenue
    _order(merchant_a, "20.00", days_ago=40)  # the previous 30 days
    _order(merchant_b, "1000.00")  # another merchant
    for session, kinds in {
        "s1": ["view", "add_to_cart", "checkout", "purchase"],
        "s2": ["view", "add_to_cart"],
        "s3": ["view"],
        "s4": ["view"],
    }.items():
        for kind in kinds:
            _event(merchant_a, kind, session)
    _event(merchant_b, "view", "b1")
    _event(merchant_b, "purchase", "b1")


def test_revenue_cards_add_up_the_merchants_orders(login, staff_a, sales):
    response = login(staff_a).get("/")
    html = response.content.decode()
    assert _card(html, "revenue") == "25.50"
    assert _card(html, "orders") == "2"
    assert _card(html, "average-order-value") == "12.75"
    assert _card(html, "customers") == "2"
    assert _card(html, "conversion-rate") == "25.0%"  # 1 of 4 viewing sessions purchased


def test_kpis_compare_with_the_previous_period(staff_a, sales):
    kpis = {k.label: k for k in dashboard_overview(user=staff_a, now=timezone.now()).kpis}
    assert kpis["Revenue"].previous == Decimal("20.00")
    assert kpis["Revenue"].change_pct == 27.5
    assert kpis["Orders"].change_pct == 100.0
    assert kpis["Conversion rate"].change_pct is None  # no sessions before: nothing to compare


def test_platform_admin_sees_all_merchants_and_can_narrow_to_one(login, platform_admin, merchant_b, sales):
    client = login(platform_admin)
    assert _card(client.get("/").content.decode(), "revenue") == "1,025.50"
    assert _card(client.get("/", {"merchant": merchant_b.slug}).content.decode(), "revenue") == "1,000.00"


def test_staff_cannot_widen_their_scope_with_the_merchant_filter(login, staff_a, merchant_b, sales):
    html = login(staff_a).get("/", {"merchant": merchant_b.slug}).content.decode()
    assert _card(html, "revenue") == "0.00"


def test_funnel_counts_distinct_sessions_per_stage(staff_a, sales):
    now = timezone.now()
    stages = funnel(user=staff_a, period=Period(start=now - timedelta(days=30), end=now))
    assert [(s.stage, s.sessions) for s in stages] == [("view", 4), ("add_to_cart", 2), ("checkout", 1), ("purchase", 1)]


def test_daily_series_is_zero_filled_and_sums_to_revenue(staff_a, sales):
    overview = dashboard_overview(user=staff_a, now=timezone.now())
    assert len(overview.daily) == 31  # every calendar day the 30-day window touches
    assert sum(d.revenue for d in overview.daily) == Decimal("25.50")
    assert sum(d.orders for d in overview.daily) == 2


def test_top_lists_rank_by_line_revenue(staff_a, merchant_a):
    mugs, prints = factories.CategoryFactory(name="Mugs"), factories.CategoryFactory(name="Prints")
    mug = factories.ProductFactory(merchant=merchant_a, category=mugs, title="Mug")
    poster = factories.ProductFactory(merchant=merchant_a, category=prints, title="Poster")
    order = _order(merchant_a, "70.00")
    factories.OrderItemFactory(order=order, product=mug, title="Mug", quantity=3, unit_price=Decimal("10.00"))
    factories.OrderItemFactory(order=order, product=poster, title="Poster", quantity=1, unit_price=Decimal("40.00"))
    refunded = _order(merchant_a, "500.00", status="refunded")
    factories.OrderItemFactory(order=refunded, product=mug, title="Mug", quantity=50, unit_price=Decimal("10.00"))

    overview = dashboard_overview(user=staff_a, now=timezone.now())
    assert [(r.label, r.revenue, r.units) for r in overview.products] == [
        ("Poster", Decimal("40.00"), 1),
        ("Mug", Decimal("30.00"), 3),
    ]
    assert [r.label for r in overview.categories] == ["Prints", "Mugs"]


def test_empty_dashboard_says_what_to_do_next(login, staff_a):
    html = login(staff_a).get("/").content.decode()
    assert "Nothing to chart yet" in html
    assert "python manage.py import_data orders FILE.csv" in html
    assert "plotly.min.js" in html  # the page still loads, charts simply absent
    assert 'data-figure="' not in html
