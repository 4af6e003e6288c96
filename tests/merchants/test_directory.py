"""Merchants by external id from the per-process directory: no merchant query once known, tenancy checked
on every call, and a change anywhere honoured."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.merchants import directory
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchants_by_external_id
from apps.merchants.services import merchants_ensure
from tests import factories

pytestmark = pytest.mark.django_db


def _merchant_reads(captured) -> int:
    return sum('FROM "merchants_merchant"' in query["sql"] for query in captured.captured_queries)


def test_staff_get_only_their_merchants_platform_staff_any_customers_none(
    merchant_a, merchant_b, staff_a, analyst, customer_user
):
    both = {"MA", "MB", "NOPE"}
    assert set(merchants_by_external_id(user=staff_a, external_ids=both)) == {"MA"}
    assert set(merchants_by_external_id(user=analyst, external_ids=both)) == {"MA", "MB"}
    assert merchants_by_external_id(user=customer_user, external_ids=both) == {}


def test_a_known_merchant_costs_no_merchant_query(merchant_a, merchant_b, analyst):
    merchants_by_external_id(user=analyst, external_ids={"MA"})
    with CaptureQueriesContext(connection) as captured:
        found = merchants_by_external_id(user=analyst, external_ids={"MA", "MB"})  # MB: one query for the missing
    assert _merchant_reads(captured) == 1
    with CaptureQueriesContext(connection) as captured:
        again = merchants_by_external_id(user=analyst, external_ids={"MA", "MB"})
    assert len(captured) == 0
    assert {key: m.pk for key, m in again.items()} == {key: m.pk for key, m in found.items()} == {
        "MA": merchant_a.pk, "MB": merchant_b.pk
    }


def test_fields_beyond_the_id_are_read_fresh_not_copied(merchant_a, analyst):
    merchants_by_external_id(user=analyst, external_ids={"MA"})
    Merchant.objects.filter(pk=merchant_a.pk).update(name="Renamed")  # no signal
    merchant = merchants_by_external_id(user=analyst, external_ids={"MA"})["MA"]
    assert merchant.external_id == "MA" and merchant.name == "Renamed"


def test_a_merchant_created_in_bulk_is_found_on_first_use(analyst):
    assert merchants_by_external_id(user=analyst, external_ids={"NEW1"}) == {}
    merchants_ensure(external_ids={"NEW1"})  # bulk_create: no signal
    assert merchants_by_external_id(user=analyst, external_ids={"NEW1"})["NEW1"].pk == Merchant.objects.get(
        external_id="NEW1"
    ).pk


def test_tenancy_is_checked_on_every_call_not_copied(merchant_a, merchant_b, staff_a):
    assert set(merchants_by_external_id(user=staff_a, external_ids={"MA"})) == {"MA"}
    staff_a.memberships.all().delete()
    staff_a._merchant_ids_cache = None  # a new request: the caller's memberships are read again
    assert merchants_by_external_id(user=staff_a, external_ids={"MA"}) == {}


def test_a_merchant_renamed_in_another_process_is_followed(merchant_a, merchant_b, analyst):
    assert merchants_by_external_id(user=analyst, external_ids={"MA"})["MA"].pk == merchant_a.pk
    # What another process did, without a signal here: "MA" now names merchant B.
    Merchant.objects.filter(pk=merchant_a.pk).update(external_id="MA-OLD")
    Merchant.objects.filter(pk=merchant_b.pk).update(external_id="MA")
    assert merchants_by_external_id(user=analyst, external_ids={"MA"})["MA"].pk == merchant_a.pk  # not told yet
    directory._ids.generation.bump()  # the other process's save signal
    assert merchants_by_external_id(user=analyst, external_ids={"MA"})["MA"].pk == merchant_b.pk


def test_saving_a_merchant_here_drops_the_copy(merchant_a, analyst):
    merchants_by_external_id(user=analyst, external_ids={"MA"})
    merchant_a.external_id = "MA2"
    merchant_a.save()
    other = factories.MerchantFactory(external_id="MA")
    assert merchants_by_external_id(user=analyst, external_ids={"MA"})["MA"].pk == other.pk


def test_a_warmed_directory_resolves_every_merchant_without_a_query(merchant_a, merchant_b, analyst, monkeypatch):
    directory.directory_clear_local()
    assert directory.directory_warm() == 2
    with CaptureQueriesContext(connection) as captured:
        found = merchants_by_external_id(user=analyst, external_ids={"MA", "MB"})
    assert set(found) == {"MA", "MB"} and _merchant_reads(captured) == 0
    monkeypatch.setattr(directory, "WARM_MAX_MERCHANTS", 1)
    directory.directory_clear_local()
    assert directory.directory_warm() == 0  # too many to load them all: looked up one by one
