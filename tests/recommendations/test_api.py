"""The recommendations API: answers, filters, cache invalidation, fallback, experiments, tenancy."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.catalog.models import Product
from apps.recommendations import integrations
from apps.recommendations.serving import production_forget
from tests.api.routes import MULTI_ARGUMENT_ROUTES


def _user(client, customer, **params):
    response = client.get(reverse("recommendations-user", kwargs={"external_id": customer.external_id}), params)
    assert response.status_code == 200, response.content
    return response.json()


def _ids(payload) -> list[str]:
    return [item["product_id"] for item in payload["items"]]


def test_shopper_gets_personal_items_with_reasons(trained, api_a):
    world, version, _ = trained
    payload = _user(api_a, world.shopper, limit=5)
    assert payload["model_version"] == version.version
    assert payload["strategy"] == "blend" and payload["variant"] is None and payload["recommendation_id"]
    # The best item the shopper has not touched yet: the mug the same shoppers viewed with theirs.
    first = next(item for item in payload["items"] if item["product_id"] not in ("M1", "M3"))
    assert first["product_id"] == "M2"
    assert first["reasons"][0] in ("Because you viewed Custom Name Mug", "Because you bought Enamel Camping Mug")
    assert first["sources"]["item_knn"] > 0


def test_filters_purchased_out_of_stock_and_other_merchants(trained, api_a):
    world, _, _ = trained
    shown = _ids(_user(api_a, world.shopper, limit=20))
    assert shown
    assert "M3" not in shown  # bought
    assert "M4" not in shown  # out of stock
    assert not {"B1", "B2"} & set(shown)  # merchant B's, for merchant A's storefront
    kept = _ids(_user(api_a, world.shopper, limit=20, include_purchased="true"))
    assert "M3" in kept


def test_stock_out_after_training_is_filtered_live(trained, api_a):
    world, _, _ = trained
    Product.objects.filter(external_id="M2").update(stock=0)
    assert "M2" not in _ids(_user(api_a, world.shopper, limit=20))


def test_platform_admin_may_serve_one_merchants_storefront(trained, api_client_for, platform_admin):
    world, _, _ = trained
    client = api_client_for(platform_admin)
    everything = _ids(_user(client, world.outsider, limit=20))
    assert {"B2"} <= set(everything)
    only_a = _ids(_user(client, world.outsider, limit=20, merchant="MA"))
    assert only_a and all(not code.startswith("B") for code in only_a)
    url = reverse("recommendations-user", kwargs={"external_id": world.outsider.external_id})
    refused = client.get(url, {"merchant": "NOPE"})
    assert refused.status_code == 400 and "merchant" in refused.json()["errors"]


def _send(client, capture, **event):
    """POST one event and run what its commit triggers (the events_created signal)."""
    with capture(execute=True):
        response = client.post(reverse("event-list"), {"timestamp": timezone.now().isoformat(), "event_type": "view", **event},
                               format="json")
    assert response.status_code == 201, response.content


def test_answers_are_cached_and_a_new_event_invalidates_them(trained, api_a, django_capture_on_commit_callbacks):
    world, _, _ = trained
    first = _user(api_a, world.shopper)
    again = _user(api_a, world.shopper)
    assert not first["cached"] and again["cached"]
    assert again["recommendation_id"] == first["recommendation_id"]
    _send(api_a, django_capture_on_commit_callbacks, event_id="LIVE-1", customer_id=world.shopper.external_id,
          product_id="P1", session_id="LIVE-SESSION")
    fresh = _user(api_a, world.shopper)
    assert not fresh["cached"] and fresh["recommendation_id"] != first["recommendation_id"]


def test_session_events_boost_related_items_at_once(trained, api_a, django_capture_on_commit_callbacks):
    world, _, _ = trained
    before = _user(api_a, world.shopper, session_id="LIVE-SESSION", limit=5)
    assert all("session" not in item["sources"] for item in before["items"])
    _send(api_a, django_capture_on_commit_callbacks, event_id="LIVE-2", customer_id=world.shopper.external_id,
          product_id="P1", session_id="LIVE-SESSION")
    payload = _user(api_a, world.shopper, session_id="LIVE-SESSION", limit=5)
    boosted = next(item for item in payload["items"] if item["product_id"] == "P2")
    assert "Because you just viewed Botanical Art Print" in boosted["reasons"]


def test_new_shopper_gets_trending_items(trained, api_a, merchant_a):
    from tests import factories

    newcomer = factories.MerchantCustomerFactory(merchant=merchant_a).customer
    payload = _user(api_a, newcomer)
    assert payload["items"] and all("trending" in item["sources"] for item in payload["items"])


def test_without_a_model_popular_items_are_served(world, api_a):
    payload = _user(api_a, world.shopper, limit=3)
    assert payload["model_version"] is None and payload["strategy"] == "popularity"
    assert payload["items"] and payload["items"][0]["reasons"] == ["Popular right now"]
    assert "M3" not in _ids(payload) and not {"B1", "B2"} & set(_ids(payload))


def test_a_broken_artifact_falls_back_to_popularity(trained, api_a):
    world, version, _ = trained
    version.artifact.storage.delete(version.artifact.name)
    from apps.mlops import selectors

    selectors._cache.clear()
    production_forget()
    payload = _user(api_a, world.shopper)
    assert payload["model_version"] is None and payload["items"]


def test_similar_products(trained, api_a):
    response = api_a.get(reverse("recommendations-similar", kwargs={"external_id": "M1"}), {"limit": 3})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["product_id"] == "M2"
    assert items[0]["reasons"][0] == "Shoppers who viewed Custom Name Mug also viewed this"
    assert "M4" not in [item["product_id"] for item in items]


def test_a_product_newer_than_the_model_gets_its_categorys_trending_items(trained, api_a):
    world, _, _ = trained
    from tests import factories

    fresh = factories.ProductFactory(merchant=world.merchant_a, external_id="NEW-MUG", category=world.products["M1"].category)
    items = api_a.get(reverse("recommendations-similar", kwargs={"external_id": fresh.external_id})).json()["items"]
    assert items and {item["category"] for item in items} == {world.products["M1"].category.path}
    assert items[0]["reasons"] == ["Trending in Mugs"]


def _explain_url(customer, product: str) -> str:
    return reverse("recommendations-explain", kwargs={"customer_id": customer.external_id, "product_id": product})


def test_explain(trained, api_a):
    world, version, _ = trained
    payload = api_a.get(_explain_url(world.shopper, "M2")).json()
    assert payload["model_version"] == version.version and payload["filtered"] == []
    assert payload["rank"] in (1, 2)  # behind, at most, the mug the shopper viewed
    assert payload["sources"]["item_knn"] > 0
    assert payload["reasons"][0] in ("Because you viewed Custom Name Mug", "Because you bought Enamel Camping Mug")
    bought = api_a.get(_explain_url(world.shopper, "M3"))
    assert bought.json()["filtered"] == ["already purchased"] and bought.json()["rank"] is None
    sold_out = api_a.get(_explain_url(world.shopper, "M4"))
    assert sold_out.json()["filtered"] == ["out of stock"]


def test_explain_route_is_registered_for_its_tenancy_tests():
    assert MULTI_ARGUMENT_ROUTES["recommendations-explain"] == "tests/recommendations/test_api.py"
    assert reverse("recommendations-explain", kwargs={"customer_id": "C1", "product_id": "P1"})


def test_explain_tenancy_and_roles(trained, api_a, api_client_for, customer_user, platform_admin):
    world, _, _ = trained

    def url(customer, product):
        return reverse("recommendations-explain", kwargs={"customer_id": customer, "product_id": product})

    mine = url(world.shopper.external_id, "M2")
    assert api_client_for(None).get(mine).status_code == 401
    assert api_client_for(customer_user).get(mine).status_code == 403
    assert api_a.get(mine).status_code == 200
    assert api_a.get(url(world.outsider.external_id, "M2")).status_code == 404  # merchant B's shopper
    assert api_a.get(url(world.shopper.external_id, "B1")).status_code == 404  # merchant B's product
    assert api_client_for(platform_admin).get(url(world.outsider.external_id, "B1")).status_code == 200


def test_bad_parameters_name_the_field(trained, api_a):
    world, _, _ = trained
    url = reverse("recommendations-user", kwargs={"external_id": world.shopper.external_id})
    response = api_a.get(url, {"limit": 0})
    assert response.status_code == 400 and "limit" in response.json()["errors"]
    assert api_a.get(url, {"limit": 51}).status_code == 400


@dataclass(frozen=True)
class FakeAssignment:
    experiment_key: str
    variant_key: str
    params: dict = field(default_factory=dict)
    holdout: bool = False


@pytest.fixture
def experiment(monkeypatch):
    """A running experiment, as apps.experiments would assign it (tested without depending on that app)."""
    served: list[dict] = []
    state = {"assignment": None}
    monkeypatch.setattr(integrations, "experiment_assign", lambda *, unit_id, merchant_id: state["assignment"])

    def record(*, assignment, unit_id, merchant_id, items):
        served.append({"assignment": assignment, "unit_id": unit_id, "merchant_id": merchant_id, "items": items})
        return f"rec-{len(served)}"

    monkeypatch.setattr(integrations, "exposure_record", record)
    return state, served


def test_experiment_variant_weights_are_served_and_exposure_recorded(trained, api_a, experiment):
    world, _, _ = trained
    state, served = experiment
    state["assignment"] = FakeAssignment("recs-test", "popular-arm", {"strategy": "popularity"})
    payload = _user(api_a, world.shopper)
    assert payload["experiment"] == "recs-test" and payload["variant"] == "popular-arm"
    assert payload["strategy"] == "popularity" and payload["recommendation_id"] == "rec-1"
    assert all(set(item["sources"]) == {"popularity"} for item in payload["items"])
    assert served[0]["unit_id"] == world.shopper.external_id and served[0]["merchant_id"] == world.merchant_a.pk
    assert served[0]["items"] == _ids(payload)
    assert _user(api_a, world.shopper)["recommendation_id"] == "rec-1"  # cached: no second exposure
    assert len(served) == 1


def test_experiment_weights_and_holdout(trained, api_a, experiment):
    world, _, _ = trained
    state, _ = experiment
    state["assignment"] = FakeAssignment("recs-test", "trending-only", {"weights": {"trending": 1.0}})
    payload = _user(api_a, world.shopper)
    assert all(set(item["sources"]) == {"trending"} for item in payload["items"])
    holdout = FakeAssignment("e", "v", {"weights": {"trending": 1}}, holdout=True)
    assert integrations.blend_for(holdout, {"trending"}) == ("blend", None)
    assert integrations.blend_for(FakeAssignment("e", "v", {"weights": {"nonsense": 1}}), {"trending"}) == ("blend", None)


def test_without_the_experiments_app_the_recommendation_id_is_still_unique(monkeypatch):
    monkeypatch.setattr(integrations, "experiments_installed", lambda: False)
    first = integrations.exposure_record(assignment=None, unit_id="C1", merchant_id=None, items=["P1"])
    second = integrations.exposure_record(assignment=None, unit_id="C1", merchant_id=None, items=["P1"])
    assert len(first) == 32 and first != second
