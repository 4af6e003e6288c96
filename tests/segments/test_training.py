"""The segments trainer on shops with planted groups: every scope segmented, groups recovered,
RFM and CLV recorded, the interface other capabilities read."""

from __future__ import annotations

import pytest

from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.pipeline import TrainingOptions, TrainingRefused, training_start_and_execute
from apps.segments.models import CustomerSegment, SegmentationRun
from apps.segments.selectors import current_run, customer_segment_name, segment_membership
from tests import factories
from tests.segments.builders import plant_shop, segment_for


def _segment_names(run, customers) -> set[str]:
    return set(CustomerSegment.objects.filter(run=run, customer__in=customers).values_list("segment__name", flat=True))


def test_every_scope_is_segmented_and_planted_groups_are_recovered(trained):
    for shop in (trained.shop_a, trained.shop_b):
        run = current_run(merchant_id=shop.merchant.pk)
        assert run is not None and run.status == SegmentationRun.Status.SUCCEEDED
        gift, regular = _segment_names(run, shop.gift_buyers), _segment_names(run, shop.regulars)
        assert len(gift) == 1 and len(regular) == 1 and gift != regular
        assert run.metrics["chosen_k"] == 2
        assert set(run.metrics) >= {"silhouette_by_k", "gmm_bic", "noise_share", "hdbscan_clusters"}
        assert run.params["features"] and len(run.params["scaler_mean"]) == len(run.params["features"])
        assert run.segments.count() == 2 and sum(run.segments.values_list("size", flat=True)) == 30
        density = list(CustomerSegment.objects.filter(run=run, segment__isnull=False).values_list("density_cluster", flat=True))
        assert None not in density  # every buyer has a HDBSCAN label; noise (-1) is reported as such
        assert run.metrics["noise_share"] == pytest.approx(density.count(-1) / len(density), abs=1e-4)
        memberships = CustomerSegment.objects.filter(run=run, segment__isnull=False)
        assert all(len(m.probabilities) == 2 and abs(sum(m.probabilities) - 1) < 1e-3 for m in memberships)
    platform = current_run(merchant_id=None)
    assert platform is not None and platform.customers == 90


def test_segment_names_and_personas_follow_the_planted_behaviour(trained):
    run = current_run(merchant_id=trained.shop_a.merchant.pk)
    gift = run.segments.get(memberships__customer=trained.shop_a.gift_buyers[0])
    regular = run.segments.get(memberships__customer=trained.shop_a.regulars[0])
    assert "prefer Jewellery (100% of their items)" in gift.persona
    assert "prefer Mugs (100% of their items)" in regular.persona
    assert gift.stats["aov"] > 150 > 25 > regular.stats["aov"]
    assert gift.stats["top_products"][0]["title"] == "A Engraved Locket"
    assert regular.stats["revenue_share"] + gift.stats["revenue_share"] == pytest.approx(1.0)


def test_prospects_get_an_rfm_group_but_no_segment(trained):
    shop = trained.shop_a
    run = current_run(merchant_id=shop.merchant.pk)
    prospect = CustomerSegment.objects.get(run=run, customer=shop.prospects[0])
    assert prospect.rfm_group == "Prospects" and prospect.segment is None and prospect.r_score is None
    assert shop.prospects[0].pk not in segment_membership(merchant_id=shop.merchant.pk)
    regular = CustomerSegment.objects.get(run=run, customer=shop.regulars[0])
    assert regular.rfm_group != "Prospects" and regular.f_score >= 4  # frequent buyers score high on F


def test_clv_below_the_minimum_says_not_enough_data_and_predicts_nothing(trained):
    run = current_run(merchant_id=trained.shop_a.merchant.pk)
    assert run.clv["available"] is False and "at least 500" in run.clv["reason"]
    assert not CustomerSegment.objects.filter(run=run, p_alive__isnull=False).exists()


def test_the_interface_maps_customers_to_segment_names(trained):
    shop = trained.shop_a
    membership = segment_membership(merchant_id=shop.merchant.pk)
    assert set(membership) == {c.pk for c in shop.gift_buyers + shop.regulars}
    name = customer_segment_name(customer_id=shop.gift_buyers[0].pk, merchant_id=shop.merchant.pk)
    assert name == membership[shop.gift_buyers[0].pk]
    assert customer_segment_name(customer_id=shop.gift_buyers[0].pk, merchant_id=trained.shop_b.merchant.pk) is None
    assert len(segment_membership(merchant_id=None)) == 60


def test_interface_is_empty_without_a_segmentation_and_reads_the_latest_succeeded_run(merchant_a):
    customer = factories.CustomerFactory()
    assert segment_membership(merchant_id=merchant_a.pk) == {}
    assert customer_segment_name(customer_id=customer.pk, merchant_id=merchant_a.pk) is None
    segment_for(merchant_a, customer, name="Old")
    segment_for(merchant_a, customer, name="Current")
    SegmentationRun.objects.create(merchant=merchant_a, status=SegmentationRun.Status.FAILED, method="", message="too few")
    assert segment_membership(merchant_id=merchant_a.pk) == {customer.pk: "Current"}


def test_the_model_is_registered_promoted_and_linked_to_each_run(trained):
    version = trained.outcome.version
    assert version.name == "segments" and version.stage == Stage.PRODUCTION and trained.outcome.promoted
    assert set(version.row_counts) == {str(trained.shop_a.merchant.pk), str(trained.shop_b.merchant.pk), "platform"}
    runs = SegmentationRun.objects.filter(model_version=version)
    assert runs.count() == 3
    assert all(run.training_run and run.training_run.status == TrainingRun.Status.SUCCEEDED for run in runs)


def test_a_merchant_members_run_segments_only_their_merchant_and_is_not_promoted(planted, staff_a):
    _, outcome = training_start_and_execute(name="segments", options=TrainingOptions(actor=staff_a))
    assert set(SegmentationRun.objects.values_list("merchant_id", flat=True)) == {planted[0].merchant.pk}
    assert not outcome.promoted and outcome.version.stage == Stage.NONE


def test_a_scope_too_small_is_recorded_as_failed_and_the_others_still_run(merchant_a, merchant_b):
    plant_shop(merchant_a, prefix="A", number_base=700000)
    factories.OrderItemFactory(order=factories.OrderFactory(merchant=merchant_b, status="paid"))
    training_start_and_execute(name="segments", options=TrainingOptions())
    failed = SegmentationRun.objects.get(merchant=merchant_b)
    assert failed.status == SegmentationRun.Status.FAILED and "at least 20" in failed.message
    assert current_run(merchant_id=merchant_a.pk) is not None


def test_no_orders_anywhere_is_refused_with_a_reason(db):
    with pytest.raises(TrainingRefused, match="no merchant has orders"):
        training_start_and_execute(name="segments", options=TrainingOptions())
    assert TrainingRun.objects.get(name="segments").status == TrainingRun.Status.FAILED
    assert not ModelVersion.objects.filter(name="segments").exists()
