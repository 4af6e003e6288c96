"""The analytics API: per-merchant results, filters and errors."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.analytics.models import KpiAnomaly

pytestmark = pytest.mark.django_db
ENDPOINTS = ["analytics-kpis", "analytics-affinity", "analytics-cross-sell", "analytics-funnel", "analytics-cohorts",
             "analytics-sellers"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_merchant_gets_only_its_own_tables(name, built, api_a, api_client_for, platform_admin):
    shop, other = built
    params = {"start": shop.earlier.isoformat(), "end": shop.day.isoformat()}
    body = api_a.get(reverse(name), params).json()
    assert [r["merchant"] for r in body["results"]] == [shop.merchant.slug]
    assert "Bravo" not in str(body) and other.merchant.slug not in str(body)
    admin = api_client_for(platform_admin).get(reverse(name), params).json()
    assert {r["merchant"] for r in admin["results"]} == {shop.merchant.slug, other.merchant.slug}


def test_funnel_numbers_window_and_breakdown(built, api_a):
    shop, _ = built
    day = shop.day.isoformat()
    body = api_a.get(reverse("analytics-funnel"), {"start": day, "end": day, "window": "1h", "by": "device"}).json()
    tables = body["results"][0]["tables"]
    assert [r["journeys"] for r in tables["funnel"]] == [4, 2, 1, 1]
    assert {r["device"]: r["views"] for r in tables["funnel-by-device"]} == {"mobile": 3, "desktop": 1}


def test_naming_another_or_unknown_merchant_is_the_same_field_error(built, api_a):
    _, other = built
    foreign = api_a.get(reverse("analytics-sellers"), {"merchant": other.merchant.slug})
    unknown = api_a.get(reverse("analytics-sellers"), {"merchant": "no-such-shop"})
    assert foreign.status_code == unknown.status_code == 400
    assert "merchant" in foreign.json()["errors"] and other.merchant.name not in foreign.content.decode()


def test_bad_input_names_the_field(built, api_a):
    assert "end" in api_a.get(reverse("analytics-kpis"), {"start": "2026-05-02", "end": "2026-05-01"}).json()["errors"]
    assert "window" in api_a.get(reverse("analytics-funnel"), {"window": "3y"}).json()["errors"]
    assert "category" in api_a.get(reverse("analytics-cross-sell"), {"category": "no-such"}).json()["errors"]
    assert "start" in api_a.get(reverse("analytics-cohorts"), {"start": "yesterday"}).json()["errors"]


def test_days_off_the_calendar_are_a_field_error_not_a_server_error(built, api_a):
    # The previous-period comparison of a range starting in year 340 overflowed `date` (a 500 found by schema fuzzing).
    response = api_a.get(reverse("analytics-sellers"), {"start": "0340-08-03"})
    assert response.status_code == 400 and "2000-01-01" in response.json()["errors"]["start"][0]
    assert "end" in api_a.get(reverse("analytics-kpis"), {"end": "9999-12-31"}).json()["errors"]


def test_anomalies_list_is_scoped(built, api_a):
    shop, other = built
    mine = KpiAnomaly.objects.create(merchant=shop.merchant, kpi="orders", day=shop.day, value=9, expected=3, lower=1, upper=5,
                                     direction=1)
    KpiAnomaly.objects.create(merchant=other.merchant, kpi="orders", day=other.day, value=9, expected=3, lower=1, upper=5,
                              direction=1)
    rows = api_a.get(reverse("analytics-anomalies")).json()["results"]
    assert [(r["id"], r["merchant"], r["direction"]) for r in rows] == [(mine.pk, shop.merchant.slug, "above")]


@pytest.mark.parametrize("name", [*ENDPOINTS, "analytics-anomalies"])
def test_anonymous_and_customers_are_refused(name, api_client_for, customer_user, analyst):
    assert api_client_for(None).get(reverse(name)).status_code == 401
    assert api_client_for(customer_user).get(reverse(name)).status_code == 403
    assert api_client_for(analyst).get(reverse(name)).status_code == 200  # platform staff read every merchant
