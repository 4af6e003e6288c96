"""Training through the mlops pipeline, serving from the trained model, and the staleness job."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.alerts.recommendations import MODEL_NAME, recommendations_for
from apps.alerts.services import preference_set
from apps.alerts.tasks import model_is_stale, retrain_if_stale_task
from apps.mlops.models import ModelVersion, TrainingRun
from apps.mlops.pipeline import TrainingOptions, TrainingRefused, training_start_and_execute
from apps.mlops.selectors import production_version
from tests.alerts.conftest import make_shopper, pay


def neighbourhood(merchant_a, merchant_b):
    """Six big spenders across both shops (five turned on new-shop alerts) and six small ones
    at one shop (five turned on recurring-charge alerts); each pays ten times."""
    big, small = [], []
    for i in range(6):
        user, customer = make_shopper(f"big{i}", f"C-BIG{i}", merchant_a, amounts=())
        for day in range(10):
            pay(customer, merchant_a if day % 2 else merchant_b, 300 + 10 * i + day, days_ago=2 + 3 * day)
        big.append((user, customer))
        user, customer = make_shopper(f"small{i}", f"C-SMALL{i}", merchant_a, amounts=())
        for day in range(10):
            pay(customer, merchant_a, 8 + i * 0.5, days_ago=1 + 5 * day)
        small.append((user, customer))
    for user, customer in big[:5]:
        preference_set(customer=customer, alert_type="new_merchant", enabled=True, actor=user, source="api")
    for user, customer in small[:5]:
        preference_set(customer=customer, alert_type="subscription_monitoring", enabled=True, actor=user, source="api")
    return big, small


def train():
    return training_start_and_execute(name=MODEL_NAME, options=TrainingOptions())


def test_too_little_data_is_refused_with_a_reason(shopper_a):
    with pytest.raises(TrainingRefused, match="at least 100 payments by 10 shoppers"):
        train()
    run = TrainingRun.objects.get(name=MODEL_NAME)
    assert run.status == TrainingRun.Status.FAILED and "not enough data" in run.message
    assert not ModelVersion.objects.filter(name=MODEL_NAME).exists()


def test_trained_model_recommends_what_similar_shoppers_chose(settings, merchant_a, merchant_b, api_client_for):
    settings.ALERTS_MIN_PREFERENCE_CUSTOMERS = 10  # ten shoppers chose: their choices alone teach the model
    settings.ALERTS_NEIGHBOURS = 5
    big, small = neighbourhood(merchant_a, merchant_b)
    _, outcome = train()
    assert outcome.promoted and outcome.version.stage == "production"
    assert outcome.version.parameters["labels"] == "preferences"
    assert outcome.version.row_counts["shoppers"] == 10  # only those who chose
    # big5 and small5 chose nothing: their neighbours are their own kind
    user, big5 = big[5]
    [row] = api_client_for(user).get(reverse("alert-recommendation-list")).json()["results"]
    assert row["source"] == "model" and row["model_version"] == outcome.version.version
    [rec] = row["recommendations"]
    assert (rec["alert_type"], rec["basis"]) == ("new_merchant", "preferences")
    assert (rec["enabled_neighbours"], rec["neighbours"], rec["share"]) == (5, 5, 1.0)
    assert rec["explanation"].startswith("5 of 5 shoppers who spend like you (about $")
    assert rec["explanation"].endswith("across 2 shops) turned on 'New shop' alerts.")
    [small_row] = recommendations_for(customers=[small[5][1]])
    assert [r.alert_type for r in small_row.recommendations] == ["subscription_monitoring"]


def test_few_choices_are_seeded_with_heuristic_labels(merchant_a, merchant_b):
    big, _ = neighbourhood(merchant_a, merchant_b)  # ten shoppers chose, fewer than the default 50
    _, outcome = train()
    assert outcome.version.parameters["labels"] == "preferences seeded with heuristic labels"
    assert outcome.version.row_counts["shoppers"] == 12 and outcome.version.row_counts["with_preferences"] == 10
    assert set(outcome.version.metrics) == {"precision", "recall", "evaluated"}


def test_a_broken_artifact_falls_back_to_rules(settings, merchant_a, merchant_b):
    big, _ = neighbourhood(merchant_a, merchant_b)
    _, outcome = train()
    ModelVersion.objects.filter(pk=outcome.version.pk).update(checksum="0" * 64)
    [row] = recommendations_for(customers=[big[5][1]])
    assert row.source == "rules" and row.model_version is None


def test_train_command(merchant_a, merchant_b):
    neighbourhood(merchant_a, merchant_b)
    call_command("train", MODEL_NAME, "--no-progress")
    assert production_version(name=MODEL_NAME).version == 1


def test_staleness_job_trains_only_a_week_old_or_missing_model(merchant_a, merchant_b, django_capture_on_commit_callbacks):
    neighbourhood(merchant_a, merchant_b)
    assert model_is_stale()
    with django_capture_on_commit_callbacks(execute=True):
        assert retrain_if_stale_task().startswith("queued run")
    version = production_version(name=MODEL_NAME)
    assert version is not None and not model_is_stale()
    assert retrain_if_stale_task() == "fresh"
    ModelVersion.objects.filter(pk=version.pk).update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    assert model_is_stale()
    with django_capture_on_commit_callbacks(execute=True):
        retrain_if_stale_task()
    assert production_version(name=MODEL_NAME).version == 2


def test_staleness_job_is_a_beat_row(db):
    from django_celery_beat.models import PeriodicTask

    from apps.core.schedules import periodic_jobs_sync

    periodic_jobs_sync()
    task = PeriodicTask.objects.get(task="alerts.retrain_if_stale")
    assert (task.crontab.minute, task.crontab.hour) == ("15", "4")
