"""The abuse API beyond the generated tenancy checks: shapes, filters, and re-running detection."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.abuse.models import Ring
from tests.abuse.builders import make_scalping_flag, plant_ring

pytestmark = pytest.mark.django_db


def test_ring_detail_carries_the_graph(api_a, merchant_a, platform_admin, api_client_for):
    plant_ring(merchant_a)
    detected = api_client_for(platform_admin).post(reverse("abuse-detect"), {"kinds": ["rings"]}, format="json")
    assert detected.status_code == 202
    body = detected.json()
    assert body["status"] == "SUCCESS" and body["results"]["rings"]["rings"] == 1
    ring = Ring.objects.get()
    detail = api_a.get(reverse("abuse-ring-detail", kwargs={"pk": ring.pk})).json()
    assert detail["merchant"] == merchant_a.slug and detail["buyers"] == 3
    assert {node["kind"] for node in detail["nodes"]} == {"buyer", "seller", "card", "device"}
    assert {"source", "target", "kind", "weight"} <= set(detail["edges"][0])
    assert sorted(m["customer"] for m in detail["members"] if m["kind"] == "buyer") == ["C-RING-0", "C-RING-1", "C-RING-2"]


def test_detect_refuses_unknown_detectors_naming_the_field(api_client_for, platform_admin):
    response = api_client_for(platform_admin).post(reverse("abuse-detect"), {"kinds": ["bots"]}, format="json")
    assert response.status_code == 400 and "kinds" in response.json()["errors"]


def test_list_filter_naming_another_merchant_is_the_unknown_merchant_error(api_a, merchant_b):
    make_scalping_flag(merchant_b)
    for name in ("abuse-scalping-flag-list", "abuse-ring-list"):
        for slug in (merchant_b.slug, "nope"):
            response = api_a.get(reverse(name), {"merchant": slug})
            assert response.status_code == 400 and "merchant" in response.json()["errors"]


def test_scalping_flag_rows_name_products_customers_and_reasons(api_a, merchant_a):
    flag = make_scalping_flag(merchant_a)
    row = api_a.get(reverse("abuse-scalping-flag-list"), {"merchant": merchant_a.slug}).json()["results"][0]
    assert row["product"] == flag.product.external_id
    assert row["customers"] == [flag.customers.get().external_id]
    assert row["source"] == "rules" and row["model_version"] is None
    assert row["reasons"] == flag.reasons


def test_inactive_rings_are_listed_only_on_request(api_a, merchant_a):
    from tests.abuse.builders import make_ring
    from tests.factories import CustomerFactory

    ring = make_ring(merchant_a, CustomerFactory())
    Ring.objects.filter(pk=ring.pk).update(active=False)
    assert api_a.get(reverse("abuse-ring-list")).json()["results"] == []
    rows = api_a.get(reverse("abuse-ring-list"), {"include_inactive": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [ring.pk] and rows[0]["active"] is False
