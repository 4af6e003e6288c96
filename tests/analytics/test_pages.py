"""The analytics pages: tenancy of numbers and CSV downloads, filters, empty states."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from apps.analytics.dashboards import PAGES
from apps.analytics.rollups import rollups_rebuild

pytestmark = pytest.mark.django_db
URL_NAMES = {slug: f"analytics:{slug}" for slug in PAGES}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _figures(html: str) -> dict[str, dict]:
    """The figure JSON embedded for each drawn chart, by chart element id."""
    found = {}
    for element_id in re.findall(r'<div class="chart" id="([^"]+)"', html):
        match = re.search(rf'<script id="{element_id}-data" type="application/json">(.*?)</script>', html, re.S)
        found[element_id] = json.loads(match.group(1))
    return found


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("slug", PAGES)
def test_each_page_draws_its_charts_from_own_rows_only(slug, built, staff_a):
    shop, other = built
    period = {"start": shop.earlier.isoformat(), "end": shop.day.isoformat(), "min_orders": 1}
    response = _client(staff_a).get(reverse(URL_NAMES[slug]), period)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(shop.merchant.name) in html
    assert other.merchant.name not in html and "Bravo" not in html and other.merchant.slug not in html
    figures = _figures(html)
    assert figures, f"{slug} drew no chart"
    assert all(figure["data"] for figure in figures.values())
    assert "cdn.plot.ly" not in html and "/static/vendor/plotly.min.js" in html


@pytest.mark.parametrize("slug", PAGES)
def test_every_table_downloads_as_csv_with_own_rows_only(slug, built, staff_a, platform_admin):
    shop, other = built
    period = {"start": shop.earlier.isoformat(), "end": shop.day.isoformat(), "min_orders": 1}
    html = _client(staff_a).get(reverse(URL_NAMES[slug]), period).content.decode()
    tables = set(re.findall(r"table=([a-z-]+)", html))
    assert tables
    for table in tables:
        rows = _csv(_client(staff_a).get(reverse(URL_NAMES[slug]), {**period, "format": "csv", "table": table}))
        body = json.dumps(rows)
        assert "Bravo" not in body and other.merchant.slug not in body
    sellers = _csv(_client(platform_admin).get(reverse("analytics:sellers"), {**period, "format": "csv", "table": "sellers"}))
    assert {r["merchant"] for r in sellers} == {shop.merchant.slug, other.merchant.slug}


def test_csv_numbers_are_the_merchants_own_and_the_admin_can_narrow_to_one(built, staff_a, platform_admin):
    shop, other = built
    params = {"start": shop.day.isoformat(), "end": shop.day.isoformat(), "format": "csv", "table": "funnel"}
    mine = _csv(_client(staff_a).get(reverse("analytics:funnel"), params))
    assert [int(r["journeys"]) for r in mine] == [4, 3, 1, 1]
    everyone = _csv(_client(platform_admin).get(reverse("analytics:funnel"), params))
    assert [int(r["journeys"]) for r in everyone] == [8, 6, 2, 2]
    narrowed = _csv(_client(platform_admin).get(reverse("analytics:funnel"), {**params, "merchant": other.merchant.slug}))
    assert [int(r["journeys"]) for r in narrowed] == [4, 3, 1, 1]


def test_a_merchant_cannot_name_another_merchant(built, staff_a):
    shop, other = built
    params = {"merchant": other.merchant.slug, "format": "csv", "table": "sellers"}
    response = _client(staff_a).get(reverse("analytics:sellers"), params)
    assert response.status_code == 400
    assert other.merchant.name not in response.content.decode()


def test_bad_filters_answer_400_naming_the_field_and_unknown_tables_404(built, staff_a):
    client = _client(staff_a)
    response = client.get(reverse("analytics:trends"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 400 and "before the start date" in response.content.decode()
    assert client.get(reverse("analytics:funnel"), {"window": "3y"}).status_code == 400
    assert client.get(reverse("analytics:sellers"), {"start": "0340-08-03"}).status_code == 400
    assert client.get(reverse("analytics:funnel"), {"format": "csv", "table": "nope"}).status_code == 404


def test_affinity_says_no_segmentation_yet_before_the_first_run(shop_a, staff_a):
    rollups_rebuild()
    html = _client(staff_a).get(reverse("analytics:affinity")).content.decode()
    assert "No segmentation yet" in html
    assert not _figures(html)
    funnel = _client(staff_a).get(reverse("analytics:funnel")).content.decode()
    assert _figures(funnel)  # everything else works without segments


def test_segment_filter_narrows_the_funnel(built, staff_a):
    shop, _ = built
    params = {"start": shop.day.isoformat(), "end": shop.day.isoformat(), "format": "csv", "table": "funnel"}
    rows = _csv(_client(staff_a).get(reverse("analytics:funnel"), {**params, "segment": "new"}))
    assert [int(r["journeys"]) for r in rows] == [2, 1, 0, 0]


def test_pages_without_rollups_show_empty_states(staff_a):
    html = _client(staff_a).get(reverse("analytics:trends")).content.decode()
    assert "python manage.py rebuild_rollups" in html


def test_nav_shows_analytics_to_staff(built, staff_a):
    html = _client(staff_a).get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("analytics:trends")}"' in html
