"""The segmentation API beyond the generated tenancy checks: filters, platform scope, insights,
a customer's segment and queueing training."""

from __future__ import annotations

from django.urls import reverse

from apps.mlops.models import TrainingRun
from apps.segments.models import SegmentationRun
from tests import factories
from tests.segments.builders import segment_for

LIST = reverse("segmentation-segment-list")


def _linked(merchant):
    return factories.MerchantCustomerFactory(merchant=merchant).customer


def test_list_shows_only_current_runs_and_filters_by_merchant(merchant_a, merchant_b, api_a, api_client_for, platform_admin):
    old = segment_for(merchant_a, _linked(merchant_a), name="Old")
    current = segment_for(merchant_a, _linked(merchant_a), name="Current")
    theirs = segment_for(merchant_b, _linked(merchant_b))
    rows = api_a.get(LIST).json()["results"]
    assert [row["id"] for row in rows] == [current.pk]
    assert rows[0]["merchant"] == merchant_a.slug and rows[0]["name"] == "Current" and old.pk != current.pk
    admin = api_client_for(platform_admin)
    assert {row["id"] for row in admin.get(LIST, {"merchant": merchant_b.slug}).json()["results"]} == {theirs.pk}


def test_naming_another_merchant_is_the_unknown_merchant_error(merchant_b, api_a):
    segment_for(merchant_b, _linked(merchant_b))
    for slug in (merchant_b.slug, "no-such-shop"):
        response = api_a.get(LIST, {"merchant": slug})
        assert response.status_code == 400 and "merchant" in response.json()["errors"]
        assert merchant_b.name not in response.content.decode()


def test_platform_wide_segments_are_for_platform_staff_only(merchant_a, api_a, api_client_for, platform_admin):
    platform = segment_for(None, factories.CustomerFactory(), name="Everyone")
    assert api_a.get(LIST, {"scope": "platform"}).json()["results"] == []
    assert api_a.get(reverse("segmentation-segment-insights", kwargs={"pk": platform.pk})).status_code == 404
    rows = api_client_for(platform_admin).get(LIST, {"scope": "platform"}).json()["results"]
    assert [(row["id"], row["merchant"]) for row in rows] == [(platform.pk, None)]
    assert api_a.get(LIST, {"scope": "galaxy"}).status_code == 400


def test_insights_carry_stats_trend_and_method(merchant_a, api_a):
    customer = _linked(merchant_a)
    earlier = segment_for(merchant_a, customer)
    later = segment_for(merchant_a, customer)
    later.size = 4
    later.save()
    body = api_a.get(reverse("segmentation-segment-insights", kwargs={"pk": later.pk})).json()
    assert body["trend"] == {"previous_run": earlier.run_id, "new": False, "size_change": 3, "revenue_share_change": 0.0}
    assert body["top_categories"] == [{"name": "Mugs", "share": 1.0}] and body["method"] == "kmeans+gmm+hdbscan"
    assert body["persona"].startswith("Regulars:")
    first = api_a.get(reverse("segmentation-segment-insights", kwargs={"pk": earlier.pk})).json()
    assert first["trend"] is None


def test_a_customers_segment_in_each_visible_scope(merchant_a, merchant_b, api_a, api_client_for, platform_admin):
    customer = _linked(merchant_a)
    factories.MerchantCustomerFactory(merchant=merchant_b, customer=customer)
    segment_for(merchant_a, customer, name="Mine")
    segment_for(merchant_b, customer, name="Theirs")
    segment_for(None, customer, name="Everyone")
    url = reverse("customer-segment", kwargs={"external_id": customer.external_id})
    body = api_a.get(url).json()
    assert [(m["merchant"], m["segment"]["name"]) for m in body["memberships"]] == [(merchant_a.slug, "Mine")]
    assert body["memberships"][0]["clv_note"].startswith("not enough data yet")
    assert body["memberships"][0]["rfm_group"] == "New"
    admin = api_client_for(platform_admin).get(url).json()
    assert {m["segment"]["name"] for m in admin["memberships"]} == {"Mine", "Theirs", "Everyone"}


def test_train_queues_a_run_and_a_second_one_is_a_conflict(merchant_a, api_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(reverse("segmentation-train"), {}, format="json")
    assert response.status_code == 201
    run = TrainingRun.objects.get(pk=response.json()["id"])
    assert run.name == "segments" and run.requested_by.username == "staff_a"
    assert run.status == TrainingRun.Status.FAILED and "no merchant has orders" in run.message  # the eager task ran
    TrainingRun.objects.create(name="segments", status=TrainingRun.Status.RUNNING)
    conflict = api_a.post(reverse("segmentation-train"), {}, format="json")
    assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"


def test_analysts_may_read_but_not_train(merchant_a, api_client_for, analyst):
    client = api_client_for(analyst)
    assert client.get(LIST).status_code == 200
    assert client.post(reverse("segmentation-train"), {}, format="json").status_code == 403
    assert not SegmentationRun.objects.exists()
