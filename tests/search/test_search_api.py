"""The search endpoint: typo tolerance, synonyms, facets, filters, sorting, tenancy and the search log.

Runs on SQLite (Python fallback) and on PostgreSQL (full-text + pg_trgm) alike.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.catalog.models import Category, Tag
from apps.search.models import SearchQueryLog, SearchSynonym
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(merchant_a, merchant_b):
    mugs, shirts = Category.ensure_path("Home > Mugs"), Category.ensure_path("Apparel > T-Shirts")
    make = factories.ProductFactory
    return {
        "mug": make(merchant=merchant_a, title="Personalised Name Mug", description="A ceramic mug.", category=mugs,
                    price=Decimal("15.00")),
        "necklace": make(merchant=merchant_a, title="Initial Necklace", description="Sterling silver, engraved.",
                         category=None, price=Decimal("48.00")),
        "shirt": make(merchant=merchant_a, title="Slogan T-Shirt", description="Organic cotton.", category=shirts,
                      price=Decimal("22.00")),
        "sold_out": make(merchant=merchant_a, title="Retired Mug", description="Ceramic.", category=mugs, active=False),
        "their_mug": make(merchant=merchant_b, title="Personalised Photo Mug", description="Ceramic.", category=mugs,
                          price=Decimal("18.00")),
    }


def _search(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200, response.content
    return response.json()


def _ids(body) -> list[str]:
    return [row["external_id"] for row in body["results"]]


def test_finds_title_matches_first_and_only_in_the_callers_storefront(api_a, catalog):
    body = _search(api_a, q="personalised mug")
    assert _ids(body)[0] == catalog["mug"].external_id
    assert catalog["their_mug"].external_id not in _ids(body)
    assert catalog["sold_out"].external_id not in _ids(body)
    assert body["ranking"] == "text" and body["query"] == "personalised mug"
    assert 0 < body["results"][0]["score"] <= 1


def test_tolerates_typos(api_a, catalog):
    assert _ids(_search(api_a, q="persnalised mugg"))[0] == catalog["mug"].external_id
    assert _ids(_search(api_a, q="necklce"))[0] == catalog["necklace"].external_id


def test_synonyms_a_merchandiser_adds_expand_the_query(api_a, merchant_a, merchant_b, catalog):
    assert catalog["shirt"].external_id not in _ids(_search(api_a, q="tee"))
    SearchSynonym.objects.create(merchant=merchant_b, term="tee", synonyms=["t-shirt"])
    assert catalog["shirt"].external_id not in _ids(_search(api_a, q="tee"))  # another storefront's synonym
    SearchSynonym.objects.create(merchant=merchant_a, term="tee", synonyms=["t-shirt"])
    body = _search(api_a, q="tee")
    assert _ids(body) == [catalog["shirt"].external_id]
    assert body["expansions"] == ["tee", "t shirt"]


def test_facets_count_every_match_and_filters_narrow_the_results(api_a, catalog):
    body = _search(api_a, q="mug necklace shirt", category="Home")
    assert _ids(body) == [catalog["mug"].external_id]
    categories = {row["value"]: row["count"] for row in body["facets"]["category"]}
    assert categories == {"Home > Mugs": 1, "Apparel > T-Shirts": 1}
    prices = {row["value"]: row["count"] for row in body["facets"]["price"]}
    assert prices == {"10 to 25": 2, "25 to 50": 1}
    assert _ids(_search(api_a, q="mug necklace shirt", min_price="20", max_price="30")) == [catalog["shirt"].external_id]


def test_sorting_and_browsing_without_a_query(api_a, catalog):
    cheap_first = _ids(_search(api_a, sort="price_asc"))
    assert cheap_first == [catalog["mug"].external_id, catalog["shirt"].external_id, catalog["necklace"].external_id]
    body = _search(api_a)
    assert body["ranking"] == "browse" and body["count"] == 3
    assert _search(api_a, limit=1, offset=1)["results"][0]["external_id"] == _ids(body)[1]


def test_platform_clients_search_every_storefront_or_one(api_client_for, platform_admin, merchant_b, catalog):
    admin = api_client_for(platform_admin)
    assert {catalog["mug"].external_id, catalog["their_mug"].external_id} <= set(_ids(_search(admin, q="mug")))
    assert _ids(_search(admin, q="mug", merchant=merchant_b.slug)) == [catalog["their_mug"].external_id]
    merchants = {row["value"] for row in _search(admin, q="mug")["facets"]["merchant"]}
    assert merchants == {"mugs-more", "print-palace"}


def test_naming_another_storefront_is_the_unknown_merchant_error(api_a, merchant_b, catalog):
    response = api_a.get(reverse("search"), {"q": "mug", "merchant": merchant_b.slug})
    assert response.status_code == 400 and "merchant" in response.json()["errors"]
    assert merchant_b.name not in response.content.decode()


def test_bad_parameters_name_the_field(api_a):
    for params, field in [({"sort": "random"}, "sort"), ({"min_price": "9", "max_price": "1"}, "max_price"),
                          ({"limit": "1000"}, "limit"), ({"min_price": "-1"}, "min_price")]:
        response = api_a.get(reverse("search"), params)
        assert response.status_code == 400 and field in response.json()["errors"], params


def test_every_search_with_a_query_is_logged(api_a, merchant_a, catalog):
    _search(api_a, q="  Personalised MUG ")
    _search(api_a, q="unicorn")
    _search(api_a)
    logged = {(row.merchant_id, row.query, row.results) for row in SearchQueryLog.objects.all()}
    assert logged == {(merchant_a.pk, "personalised mug", 1), (merchant_a.pk, "unicorn", 0)}


def test_hits_show_each_product_exactly_as_the_product_api_does(api_a, merchant_a, catalog):
    """Hits are rendered from plain values, not through ProductOutputSerializer: the two must not drift."""
    mug = catalog["mug"]
    mug.attributes = {"materials": ["ceramic"], "colours": ["white", "blue"]}
    mug.save()
    mug.tags.add(*(Tag.objects.create(name=name, slug=name) for name in ("gift", "ceramic", "zany")))
    catalog["necklace"].tags.add(Tag.objects.create(name="silver", slug="silver"))
    body = _search(api_a, q="personalised mug necklace")
    assert {row["external_id"] for row in body["results"]} == {mug.external_id, catalog["necklace"].external_id}
    for hit in body["results"]:
        detail = api_a.get(reverse("product-detail", kwargs={"external_id": hit.pop("external_id")})).json()
        detail.pop("external_id")
        assert 0 < hit.pop("score") <= 1
        assert hit == detail
    assert body["results"][0]["tags"] == ["ceramic", "gift", "zany"]  # alphabetical, as the product API lists them
    assert body["results"][1]["category"] is None


def test_a_category_the_copies_do_not_know_yet_is_faceted_and_filtered(api_a, merchant_a, catalog):
    _search(api_a, q="mug")  # this process now holds its copy of the category paths
    home = Category.objects.get(path="Home")
    [frames] = Category.objects.bulk_create(  # no signal: the copies are not told
        [Category(name="Frames", parent=home, path="Home > Frames", slug="home-frames", depth=1)]
    )
    frame = factories.ProductFactory(merchant=merchant_a, title="Photo Frame Mug Rack", category=frames)
    body = _search(api_a, q="mug", category="Home > Frames")
    assert _ids(body) == [frame.external_id]
    assert {"value": "Home > Frames", "count": 1} in body["facets"]["category"]
    assert body["results"][0]["category"] == "Home > Frames"
