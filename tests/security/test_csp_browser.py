"""The portal under its Content-Security-Policy in a real browser: every page's scripts and Plotly
charts run, and the browser reports no violation."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.test_fraud_queue_browser import page, queue  # noqa: F401  (fixtures)
from tests.e2e.test_portal_browser import _collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded by the page itself: Chromium fires this event for every blocked script, style or connection.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""
PAGES = [
    "dashboard:home",
    "fraud:queue",
    "fraud:overview",
    "fraud:webhooks",
    "mlops:model-list",
    "mlops:monitoring",
    "segments:home",
    "recommendations:home",
    "analytics:trends",
    "chat:overview",
    "chat:inbox",
    "catalog:product-list",
]


def _sign_in(tab, base: str, username: str) -> None:
    tab.goto(f"{base}{reverse('login')}")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", "pass12345")
    tab.click("button[type=submit]")
    tab.wait_for_load_state("networkidle")


# Data fixtures first so the test database outlives the (session-wide) live server.
def test_portal_pages_raise_no_csp_violation(platform_admin, queue, live_server, page):  # noqa: F811
    errors = _collect_errors(page)
    page.add_init_script(LISTEN)
    _sign_in(page, live_server.url, "admin1")
    for name in PAGES:
        page.goto(f"{live_server.url}{reverse(name)}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], name
        header = page.context.request.get(f"{live_server.url}{reverse(name)}").headers["content-security-policy"]
        assert "script-src 'self'" in header
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_behaviours_moved_out_of_inline_handlers_still_work(platform_admin, queue, live_server, page):  # noqa: F811
    page.add_init_script(LISTEN)
    _sign_in(page, live_server.url, "admin1")
    page.goto(f"{live_server.url}{reverse('fraud:queue')}")
    boxes = page.locator("input[name=case_ids]")
    assert boxes.count() == 3
    page.check("input[data-select-all=case_ids]")
    assert all(boxes.nth(i).is_checked() for i in range(3))
    page.uncheck("input[data-select-all=case_ids]")
    assert not any(boxes.nth(i).is_checked() for i in range(3))

    page.goto(f"{live_server.url}{reverse('fraud:webhooks')}")
    page.select_option("select[data-autosubmit]", index=1)
    page.wait_for_url("**status=*")
    assert page.evaluate("window.__cspViolations") == []


def test_plotly_charts_draw_under_the_policy(platform_admin, queue, live_server, page):  # noqa: F811
    page.add_init_script(LISTEN)
    _sign_in(page, live_server.url, "admin1")
    page.goto(f"{live_server.url}{reverse('fraud:overview')}")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.evaluate("window.__cspViolations") == []
