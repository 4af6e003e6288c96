"""Each analytics dashboard in a real browser: its Plotly charts are drawn, with no console errors."""
from __future__ import annotations

import pytest

from apps.analytics import rollups
from apps.analytics.dashboards import PAGES
from apps.customers.models import Customer
from tests.e2e.test_portal_browser import _collect_errors, page  # noqa: F401 (the browser page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rolled_up(sales_history, merchant_a, monkeypatch):
    """The shop's rollups, with its shoppers split into two segments so the affinity matrix has rows."""

    def memberships(merchant_ids):
        customers = Customer.objects.filter(merchant_links__merchant_id=merchant_a.pk).values_list("pk", flat=True)
        return {m: {pk: ("gift buyers" if pk % 2 else "regulars") for pk in customers} for m in merchant_ids}

    monkeypatch.setattr(rollups, "segment_memberships", memberships)
    rollups.rollups_rebuild()
    return sales_history


# The data fixtures come first so the test database outlives the (session-wide) live server.
def test_every_dashboard_draws_its_charts(staff_a, rolled_up, live_server, page):  # noqa: F811
    errors = _collect_errors(page)
    page.goto(f"{live_server.url}/analytics/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/analytics/")
    for slug, dashboard in PAGES.items():
        page.click(f"nav[aria-label='Analytics pages'] >> text={dashboard.title}")
        page.wait_for_selector(f"h1:has-text('{dashboard.title}')")
        expected = page.locator("[data-figure]").count()
        assert expected >= 2, f"{slug}: charts are missing ({page.locator('.empty__title').all_inner_texts()})"
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}")
        plots = page.locator(".js-plotly-plot")
        assert plots.count() == expected
        for index in range(expected):
            assert plots.nth(index).locator(".main-svg").count() >= 1
    page.click("text=Trends & forecast")
    page.wait_for_selector("#chart-forecast .js-plotly-plot, #chart-forecast.js-plotly-plot")
    assert page.locator("#chart-forecast .legendtext").count() >= 2  # categories and their forecasts
    assert errors == []
