"""The product's Review insights page in a real browser: linked from the product page, charts drawn, no JS errors."""
from __future__ import annotations

import pytest

from apps.reviews.analysis_service import reviews_analyze
from tests import factories
from tests.e2e.test_portal_browser import _collect_errors, page  # noqa: F401  (the Chromium page fixture)
from tests.reviews.conftest import make_reviews, rated_texts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed_product(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, external_id="P-BROWSER", title="Browser Mug")
    reviews_analyze(make_reviews(product, rated_texts(repeat=2)))
    return product


def test_insights_page_draws_its_charts(staff_a, reviewed_product, live_server, page):  # noqa: F811
    errors = _collect_errors(page)
    page.goto(f"{live_server.url}/catalog/{reviewed_product.external_id}/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    page.click("text=Review insights >> nth=-1")
    page.wait_for_selector("h1:has-text('Review insights: Browser Mug')")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == 3
    assert page.locator("#chart-aspects .ytick text").count() >= 3  # aspect names on the axis
    assert page.locator('[data-section="cons"] p').count() >= 1
    assert errors == []
