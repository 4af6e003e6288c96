"""The experiments pages in a real browser: a merchant creates an A/B test of the recommendations,
starts it, reads the results (rates with intervals, lift, the sample-size note, Plotly charts drawn)
once traffic has come in, and stops it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.experiments.models import Experiment, ExposureUnit
from tests.e2e.test_portal_browser import _collect_errors, page  # noqa: F401  (the browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url: str) -> None:  # noqa: F811
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def _traffic(experiment: Experiment) -> None:
    """100 shoppers per arm two days ago: 10 conversions on the control, 20 on the treatment."""
    day = timezone.now() - timedelta(days=2)
    ExposureUnit.objects.bulk_create(
        [ExposureUnit(experiment=experiment, arm="control", unit_id=f"c{i}", first_exposed_at=day,
                      converted_at=day if i < 10 else None) for i in range(100)]
        + [ExposureUnit(experiment=experiment, arm="popularity", unit_id=f"p{i}", first_exposed_at=day,
                        converted_at=day + timedelta(hours=5) if i < 20 else None) for i in range(100)]
    )


# The data fixtures come first so the test database outlives the (session-wide) live server.
def test_merchant_creates_starts_reads_and_stops_an_experiment(staff_a, merchant_a, live_server, page):  # noqa: F811
    errors = _collect_errors(page)
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/experiments/new/")
    page.fill("input[name=key]", "browser-blend")
    page.fill("input[name=name]", "Blend against popularity")
    page.select_option("select[name=merchant]", str(merchant_a.pk))
    page.fill("input[name=holdout_share]", "0")
    page.fill("input[name='variants-1-key']", "popularity")
    page.fill("input[name='variants-1-name']", "Most popular")
    page.fill("input[name='variants-1-params']", '{"strategy": "popularity"}')
    page.click("button[type=submit]:has-text('Create draft')")
    page.wait_for_url(f"{live_server.url}/experiments/browser-blend/")
    assert "Blend against popularity" in page.locator("h1").inner_text()

    page.click("button[name=action][value=start]")
    page.wait_for_selector("button[name=action][value=stop]")
    experiment = Experiment.objects.get(key="browser-blend")
    assert experiment.status == "running" and experiment.merchant_id == merchant_a.pk
    assert experiment.variants.get(key="popularity").params == {"strategy": "popularity"}

    _traffic(experiment)
    page.reload()
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator(".js-plotly-plot").count() == 2  # rates with intervals, cumulative conversion
    table = page.locator("table").first.inner_text()
    assert "10.00%" in table and "20.00%" in table and "+100.0%" in table
    assert page.locator("[data-sample-size-note]").count() == 1

    page.click("button[name=action][value=stop]")
    page.wait_for_selector("button[name=action][value=stop]", state="detached")
    experiment.refresh_from_db()
    assert experiment.status == "stopped"
    page.goto(f"{live_server.url}/experiments/")
    assert "browser-blend" in page.content()
    assert errors == []
