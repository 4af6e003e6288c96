"""An analyst in a real browser: opens the fraud queue, claims the riskiest case and decides it."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.fraud.models import ReviewCase
from tests.conftest import require_service
from tests.e2e.test_portal_browser import CHROMIUM, CHROMIUM_ARGS, _collect_errors
from tests.fraud.case_factories import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("FRAUD_SCREENSHOTS", "")


@pytest.fixture
def page(monkeypatch):
    require_service(os.path.exists(CHROMIUM), "chromium")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 900})
        yield context.new_page()
        browser.close()


@pytest.fixture
def queue(merchant_a, merchant_b) -> list[ReviewCase]:
    cases = [
        make_case(merchant_a, score=0.93, flags=["VELOCITY_BREACH", "UNUSUAL_AMOUNT"]),
        make_case(merchant_b, score=0.71, flags=["RISKY_FIRST_TXN"]),
        make_case(merchant_a, score=0.58, flags=["UNUSUAL_TIME"]),
    ]
    ReviewCase.objects.filter(pk=cases[2].pk).update(sla_due_at=timezone.now() - timedelta(minutes=20))
    return cases


def _screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


# The data fixtures come first so the test database outlives the (session-wide) live server.
def test_analyst_claims_and_decides_a_case(analyst, queue, live_server, page):
    errors = _collect_errors(page)
    page.goto(f"{live_server.url}/fraud/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "analyst1")
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/fraud/")

    rows = page.locator("tbody tr[data-case]")
    assert rows.count() == 3
    assert rows.first.get_attribute("data-case") == str(queue[0].pk)  # riskiest first
    assert "overdue" in rows.nth(2).inner_text()
    _screenshot(page, "fraud_queue.png")

    rows.first.locator("button:has-text('Claim')").click()
    page.wait_for_url(f"{live_server.url}/fraud/cases/{queue[0].pk}/")
    assert "held by analyst1" in page.locator(".page-header").inner_text()
    assert page.locator("text=VELOCITY_BREACH").count() >= 1
    _screenshot(page, "fraud_case.png")

    page.select_option("select[name=outcome]", "declined_fraud")
    page.select_option("select[name=label]", "fraud")
    page.fill("textarea[name=note]", "Card testing burst")
    page.click("button:has-text('Decide')")
    page.wait_for_selector("[data-outcome]")
    assert "Declined as fraud" in page.locator("[data-outcome]").inner_text()
    assert "Card testing burst" in page.locator("[data-trail]").inner_text()

    # The payment's label is shown from the database on the same page (no ORM call from this
    # thread: under Playwright's greenlets it would open a connection the teardown cannot close).
    assert page.locator("[data-label]").inner_text() == "fraud (analyst)"
    assert errors == []
