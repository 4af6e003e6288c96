"""The portal in a real browser: sign in, see the dashboard's Plotly charts drawn, browse the catalog."""

from __future__ import annotations

import os

import pytest

from tests.conftest import require_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch):
    require_service(os.path.exists(CHROMIUM), "chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
    # and the live server's thread are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 900})
        yield context.new_page()
        browser.close()


def _collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# The data fixtures come first so the test database outlives the (session-wide) live server.
def test_merchant_signs_in_sees_charts_and_browses_products(staff_a, sales_history, live_server, page):
    errors = _collect_errors(page)
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.wait_for_selector(".js-plotly-plot .main-svg")
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == 4
    for index in range(4):
        assert plots.nth(index).locator(".main-svg").count() >= 1
    assert page.locator("#chart-top-products .ytick text").count() >= 5  # product names on the axis
    assert page.locator('[data-kpi="revenue"] .kpi__value').inner_text() != "0.00"

    assert not page.locator("nav >> text=Catalog").is_visible()  # in the Merchandising drop-down
    page.click("nav >> text=Merchandising")
    page.click("nav >> text=Catalog")
    page.wait_for_url(f"{live_server.url}/catalog/")
    assert page.locator("tbody tr").count() == len(sales_history)
    page.click("text=Custom Star Map Poster")
    page.wait_for_selector("h1:has-text('Custom Star Map Poster')")
    assert "Material" in page.locator(".props").inner_text()
    assert page.locator("text=Recent orders").count() == 1
    assert errors == []
