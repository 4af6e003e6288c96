"""The cached recommendations path without per-request database reads for the storefront and the shopper
(per-process copies, tenancy still checked), and both rate limits in one throttle."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.core.throttling import IPRateThrottle, TokenRateThrottle
from apps.customers.models import link_customers
from apps.recommendations.access import customer_ref, merchant_id_for
from tests import factories

pytestmark = pytest.mark.django_db


def _url(customer) -> str:
    return reverse("recommendations-user", kwargs={"external_id": customer.external_id})


def test_a_cached_answer_reads_neither_the_merchant_nor_the_customer_tables(trained, api_a):
    world, _, _ = trained
    assert api_a.get(_url(world.shopper), {"merchant": "MA"}).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        again = api_a.get(_url(world.shopper), {"merchant": "MA"})
    assert again.status_code == 200 and again.json()["cached"]
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "merchants_merchant" not in tables and "customers_customer" not in tables
    assert "customers_merchantcustomer" not in tables


def test_tenancy_holds_on_the_per_process_copies(trained, api_a, api_b, staff_b):
    world, _, _ = trained
    assert api_a.get(_url(world.shopper)).status_code == 200  # now in this process's copy
    assert api_b.get(_url(world.shopper)).status_code == 404  # shopper of merchant A only
    refused = api_b.get(_url(world.outsider), {"merchant": world.merchant_a.external_id})
    assert refused.status_code == 400 and "merchant" in refused.json()["errors"]
    assert merchant_id_for(user=staff_b, external_id=world.merchant_a.external_id) is None
    assert merchant_id_for(user=staff_b, external_id=world.merchant_b.external_id) == world.merchant_b.pk


def test_a_link_or_merchant_made_after_the_copy_is_found(trained, staff_b):
    world, _, _ = trained
    from django.http import Http404

    with pytest.raises(Http404):
        customer_ref(user=staff_b, external_id=world.shopper.external_id)
    link_customers({(world.merchant_b.pk, world.shopper.pk)})  # in bulk: no signal
    assert customer_ref(user=staff_b, external_id=world.shopper.external_id).pk == world.shopper.pk
    merchant_id_for(user=staff_b, external_id=world.merchant_b.external_id)  # the map is loaded
    newer = factories.MerchantFactory()
    factories.MembershipFactory(user=staff_b, merchant=newer)
    staff_b._merchant_ids_cache = None
    assert merchant_id_for(user=staff_b, external_id=newer.external_id) == newer.pk


def test_an_external_id_given_to_a_new_customer_maps_to_the_new_row(db, platform_admin):
    made = factories.CustomerFactory(external_id="REUSED-ID")
    assert customer_ref(user=platform_admin, external_id="REUSED-ID").pk == made.pk
    made.delete()
    again = factories.CustomerFactory(external_id="REUSED-ID")
    assert customer_ref(user=platform_admin, external_id="REUSED-ID").pk == again.pk


@pytest.fixture
def tight(monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min", "ip": "1000/min"})
    monkeypatch.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "1000/min"})
    yield monkeypatch
    cache.clear()


def test_one_throttle_keeps_the_token_budget_shared_with_other_endpoints(trained, staff_a, api_client_for, tight):
    world, _, _ = trained
    client, other = api_client_for(staff_a), api_client_for(staff_a)
    assert client.get("/api/v1/products/").status_code == 200  # the site-wide throttles count it
    codes = [client.get(_url(world.shopper)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    body = client.get(_url(world.shopper)).json()
    assert body["code"] == "throttled" and "available in" in body["detail"]
    assert client.get("/api/v1/products/").status_code == 429  # and the other endpoints see the recs' requests
    assert other.get(_url(world.shopper)).status_code == 200  # another token has its own budget


def test_one_throttle_limits_per_ip_too(trained, staff_a, tight):
    world, _, _ = trained
    tight.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "2/min"})
    from apps.accounts.models import ApiToken

    def client(ip: str) -> APIClient:
        api = APIClient(REMOTE_ADDR=ip)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=staff_a)[1]}")
        return api

    here, elsewhere = client("203.0.113.20"), client("203.0.113.21")
    assert [here.get(_url(world.shopper)).status_code for _ in range(3)] == [200, 200, 429]
    assert elsewhere.get(_url(world.shopper)).status_code == 200
