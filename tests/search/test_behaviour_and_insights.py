"""Learning from behaviour (events -> boosts -> ranking), the merchandiser page and synonym editing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.search.engine import SearchRequest, search
from apps.search.models import QueryProductStat, SearchQueryLog, SearchQueryStat, SearchSynonym
from apps.search.tasks import refresh_behaviour_task
from tests import factories

pytestmark = pytest.mark.django_db


def _session(merchant, session: str, query: str, product=None, kinds=("view", "purchase")):
    start = timezone.now() - timedelta(days=1)
    factories.EventFactory(merchant=merchant, session_id=session, type="search", query=query, product=None, timestamp=start)
    for i, kind in enumerate(kinds if product else ()):
        factories.EventFactory(merchant=merchant, session_id=session, type=kind, product=product,
                               timestamp=start + timedelta(seconds=10 * (i + 1)))


@pytest.fixture
def mugs(merchant_a):
    make = factories.ProductFactory
    return [make(merchant=merchant_a, title=f"Personalised Mug {name}", description="Ceramic.") for name in "ABCD"]


def test_refresh_counts_what_follows_searches_and_ranking_learns_from_it(merchant_a, mugs):
    before = search(SearchRequest(query="personalised mug", merchant_ids=[merchant_a.pk]))
    assert before.ranking == "text"
    favourite = before.ranked_ids[-1]
    product = next(m for m in mugs if m.pk == favourite)
    for i in range(12):
        _session(merchant_a, f"s{i}", "Personalised Mug", product)
    _session(merchant_a, "s-none", "personalised mug")
    counts = refresh_behaviour_task()
    assert counts["queries"] == 1
    stat = SearchQueryStat.objects.get(merchant=merchant_a, query="personalised mug")
    assert (stat.searches, stat.clicked, stat.purchased, stat.result_count) == (13, 12, 12, 4)
    pair = QueryProductStat.objects.get(query="personalised mug", product=product)
    assert (pair.clicks, pair.purchases, pair.searches) == (12, 12, 13)

    after = search(SearchRequest(query="personalised mug", merchant_ids=[merchant_a.pk]))
    assert after.ranking == "learned" and after.ranked_ids[0] == favourite
    # The other mugs keep their text order behind it (smoothing gives them the same prior).
    assert [pk for pk in after.ranked_ids if pk != favourite] == [pk for pk in before.ranked_ids if pk != favourite]
    plain = search(SearchRequest(query="personalised mug", merchant_ids=[merchant_a.pk], learned=False))
    assert plain.ranked_ids == before.ranked_ids


def test_boosts_are_per_storefront(merchant_a, merchant_b, mugs):
    theirs = factories.ProductFactory(merchant=merchant_b, title="Personalised Mug Z")
    for i in range(10):
        _session(merchant_b, f"b{i}", "personalised mug", theirs)
    refresh_behaviour_task()
    mine = search(SearchRequest(query="personalised mug", merchant_ids=[merchant_a.pk]))
    assert mine.ranking == "text" and theirs.pk not in mine.ranked_ids


def test_products_bought_after_a_query_are_results_even_when_their_text_does_not_match(merchant_a, mugs):
    teapot = factories.ProductFactory(merchant=merchant_a, title="Stoneware Teapot", description="Pours well.")
    retired = factories.ProductFactory(merchant=merchant_a, title="Retired Teapot", description="Pours.", active=False)
    for i in range(8):
        _session(merchant_a, f"t{i}", "personalised mug", teapot)
        _session(merchant_a, f"r{i}", "personalised mug", retired)
    refresh_behaviour_task()
    learned = search(SearchRequest(query="personalised mug", merchant_ids=[merchant_a.pk]))
    assert learned.ranking == "learned"
    assert set(learned.ranked_ids) == {teapot.pk, *(mug.pk for mug in mugs)} and learned.count == 5
    assert retired.pk not in learned.ranked_ids
    plain = search(SearchRequest(query="personalised mug", merchant_ids=[merchant_a.pk], learned=False))
    assert plain.ranking == "text" and teapot.pk not in plain.ranked_ids


def test_insights_page_shows_top_zero_result_and_low_click_queries_with_advice(client, staff_a, merchant_a, merchant_b, mugs):
    for i in range(6):
        _session(merchant_a, f"z{i}", "wooden spoon")  # nothing matches, nobody clicks
    for i in range(6):
        _session(merchant_a, f"t{i}", "personalised mugg")  # a typo, nobody clicks
    _session(merchant_b, "b1", "secret bravo query")
    SearchQueryLog.objects.create(merchant=merchant_a, query="wooden spoon", results=0)
    refresh_behaviour_task()
    client.force_login(staff_a)
    response = client.get(reverse("search:insights"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "wooden spoon" in html and "consider listing one" in html
    assert "“mugg”" in html and "Add synonym" in html
    assert "secret bravo query" not in html and merchant_b.name not in html
    assert escape(merchant_a.name) in html


def test_synonyms_are_saved_and_deleted_on_the_page(client, staff_a, merchant_a, merchant_b):
    client.force_login(staff_a)
    url = reverse("search:insights")
    response = client.post(url, {"merchant": merchant_a.slug, "term": "Tee", "synonyms": "t-shirt, T Shirt"})
    assert response.status_code == 302
    entry = SearchSynonym.objects.get()
    assert (entry.merchant, entry.term, entry.synonyms) == (merchant_a, "tee", ["t shirt"])
    refused = client.post(url, {"merchant": merchant_b.slug, "term": "x", "synonyms": "y"})
    assert refused.status_code == 200 and SearchSynonym.objects.count() == 1  # not a choice for this member
    global_entry = SearchSynonym.objects.create(merchant=None, term="xmas", synonyms=["christmas"])
    client.post(url, {"synonym_id": global_entry.pk})
    assert SearchSynonym.objects.filter(pk=global_entry.pk).exists()
    client.post(url, {"synonym_id": entry.pk})
    assert not SearchSynonym.objects.filter(pk=entry.pk).exists()


def test_synonyms_api(api_a, api_client_for, platform_admin, merchant_a):
    url = reverse("search-synonym-list")
    created = api_a.post(url, {"term": "Tee", "synonyms": ["t-shirt"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["merchant"] == merchant_a.slug
    replaced = api_a.post(url, {"term": "tee", "synonyms": ["tshirt", "t-shirt"]}, format="json")
    assert replaced.status_code == 200 and replaced.json()["synonyms"] == ["t shirt", "tshirt"]
    assert api_a.post(url, {"term": "tee", "synonyms": ["tee"]}, format="json").status_code == 400
    marketplace = api_client_for(platform_admin).post(url, {"term": "xmas", "synonyms": ["christmas"]}, format="json")
    assert marketplace.status_code == 201 and marketplace.json()["merchant"] is None
    detail = reverse("search-synonym-detail", kwargs={"pk": marketplace.json()["id"]})
    assert api_a.get(detail).status_code == 200  # readable by every storefront
    assert api_a.delete(detail).status_code == 403  # changed by platform staff only
    mine = reverse("search-synonym-detail", kwargs={"pk": created.json()["id"]})
    assert api_a.patch(mine, {"synonyms": ["tee shirt"]}, format="json").json()["synonyms"] == ["tee shirt"]
    assert api_a.delete(mine).status_code == 204
