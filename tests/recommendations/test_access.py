"""The cached recommendations path without per-request database reads for the storefront and the shopper
(per-process copies, tenancy still checked). The rate limits it shares with every endpoint: tests/core."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.catalog.models import Product
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


def test_a_cached_similar_answer_reads_no_product_row_and_tenancy_still_holds(trained, api_a, api_b):
    world, _, _ = trained
    product = Product.objects.filter(merchant=world.merchant_a).first()
    url = reverse("recommendations-similar", kwargs={"external_id": product.external_id})
    assert api_a.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        again = api_a.get(url)
    assert again.status_code == 200 and again.json()["cached"]
    assert "catalog_product" not in " ".join(query["sql"] for query in captured.captured_queries)
    assert api_b.get(url).status_code == 404  # in this process's copy now, still merchant A's only
    product.delete()  # a signal drops the copy: the id is unknown again at once
    assert api_a.get(url).status_code == 404
