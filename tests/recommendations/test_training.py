"""Training through the mlops pipeline, the evaluate_recs command, the portal page and the signal receiver."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.pipeline import TRAINERS, TRAINING_SCHEDULES, TrainingOptions, TrainingRefused
from apps.recommendations import integrations, live
from apps.recommendations.selectors import MODEL_NAME
from apps.recommendations.training import recommendations_train
from ml.recs.model import RecsModel


def test_registered_in_the_pipeline_with_a_nightly_schedule():
    assert TRAINERS[MODEL_NAME] == "apps.recommendations.training.recommendations_train"
    assert TRAINING_SCHEDULES[MODEL_NAME].get("day_of_week") is None  # every night


def test_training_refuses_a_history_too_small(merchant_a):
    with pytest.raises(TrainingRefused, match="not enough data"):
        recommendations_train(options=TrainingOptions(), report=lambda fraction, message: None)


def test_train_command_registers_evaluates_and_promotes(busy_world):
    out = StringIO()
    call_command("train", MODEL_NAME, "--no-progress", stdout=out)
    version = ModelVersion.objects.get(name=MODEL_NAME)
    run = TrainingRun.objects.get(name=MODEL_NAME)
    assert run.status == TrainingRun.Status.SUCCEEDED and run.model_version == version
    metrics = version.metrics
    assert {"ndcg@10", "precision@10", "recall@10", "map@10", "coverage", "novelty", "sources"} <= set(metrics)
    assert {"item_knn", "als", "content", "trending", "popularity", "blend"} <= set(metrics["sources"])
    assert version.parameters["weights"] and version.row_counts["interactions"] > 0
    text = out.getvalue()
    assert "blend / popularity nDCG@10" in text and "popularity" in text
    lift = metrics["ndcg_lift_over_popularity"]
    assert (version.stage == Stage.PRODUCTION) == (lift is not None and lift > 1.0)
    from apps.mlops.artifacts import load_verified

    assert isinstance(load_verified(version.artifact, version.checksum), RecsModel)


def test_evaluate_recs_prints_every_source_the_blend_and_the_ratio(busy_world):
    out = StringIO()
    call_command("evaluate_recs", "--no-progress", stdout=out)
    text = out.getvalue()
    for name in ("item_knn", "als", "content", "trending", "popularity", "blend"):
        assert f"\n  {name}" in text
    assert "nDCG@10 is" in text and "x the popularity baseline" in text
    assert "segment source skipped" in text
    assert not ModelVersion.objects.filter(name=MODEL_NAME).exists()


def test_evaluate_recs_for_one_merchant_and_unknown_merchant(busy_world):
    with pytest.raises(CommandError, match="unknown merchant"):
        call_command("evaluate_recs", "--merchant", "nope", "--no-progress", stdout=StringIO())
    out = StringIO()
    call_command("evaluate_recs", "--merchant", busy_world.merchant_a.slug, "--no-progress", stdout=out)
    assert "over 6 products" in out.getvalue()  # merchant A's catalogue only


def test_segments_are_skipped_cleanly_when_the_capability_is_absent(monkeypatch, world):
    monkeypatch.setattr(integrations, "segments_installed", lambda: False)
    assert integrations.segment_membership(merchant_id=None) == {}
    assert integrations.customer_segment_name(customer_id=world.shopper.pk, merchant_id=None) is None


def test_events_signal_records_sessions_and_bumps_generations(world):
    from apps.events.models import Event

    before = live.generation(world.shopper.pk)
    events = list(Event.objects.filter(customer=world.shopper).order_by("timestamp"))
    live.on_events_created(sender=Event, events=events)
    assert live.generation(world.shopper.pk) != before
    session = events[0].session_id
    assert live.session_products(session) == [events[-1].product_id, events[0].product_id]


def test_portal_page_shows_versions_and_tries_a_customer(trained, client, staff_a, staff_b):
    world, version, _ = trained
    client.force_login(staff_a)
    page = client.get(reverse("recommendations:home"), {"customer": world.shopper.external_id}).content.decode()
    assert f"v{version.version}" in page and "Custom Name Mug" in page or "Latte Mug With Initials" in page
    assert "chart-recs-sources" in page
    foreign = client.get(reverse("recommendations:home"), {"customer": world.outsider.external_id}).content.decode()
    assert "No such customer" in foreign
    client.force_login(staff_b)
    assert world.shopper.external_id not in client.get(reverse("recommendations:home")).content.decode()
