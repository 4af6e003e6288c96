"""The Models page: versions and metrics for platform staff, training with progress, promotion by admins."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.pipeline import TRAINERS
from apps.mlops.services import ModelCard, model_promote, model_register, training_run_progress, training_run_start

CARD = ModelCard(
    metrics={"auc_roc": 0.912, "average_precision": 0.654, "card_precision_top_100": 0.21},
    parameters={"thresholds": {"review": 0.031, "decline": 0.88}},
    features=["amount"],
    data_start=None,
    data_end=None,
    row_counts={"train": 10},
)


@pytest.fixture(autouse=True)
def tiny(monkeypatch):
    monkeypatch.setitem(TRAINERS, "tiny", "tests.mlops.test_tasks_pipeline.tiny_trainer")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def versions(db):
    first = model_promote(version=model_register(name="fraud", obj=1, card=CARD))
    second = model_register(name="fraud", obj=2, card=CARD)
    return first, second


def test_page_lists_versions_metrics_chart_and_runs(versions, analyst):
    run = training_run_start(name="fraud", requested_by=analyst)
    training_run_progress(run=run, progress=0.4, message="computing features")
    html = _client(analyst).get(reverse("mlops:model-list")).content.decode()
    assert "production v1" in html
    assert "0.912" in html and "0.654" in html and "0.031" in html
    assert 'id="chart-metrics-fraud"' in html and "Average precision" in html
    assert f'data-training-run="{reverse("trainingrun-detail", args=[run.pk])}"' in html
    assert "computing features" in html and 'value="0.4"' in html
    assert "Promote</button>" not in html and "Roll back" not in html  # analysts train, admins promote
    assert ">Models</a>" in html


def test_admin_sees_promote_and_roll_back(versions, platform_admin):
    html = _client(platform_admin).get(reverse("mlops:model-list")).content.decode()
    assert reverse("mlops:version-promote", args=[versions[1].pk]) in html
    assert reverse("mlops:version-promote", args=[versions[0].pk]) not in html  # already in production
    assert "Roll back to previous production" in html


def test_merchant_staff_get_403_and_no_menu_entry(versions, staff_a):
    client = _client(staff_a)
    assert client.get(reverse("mlops:model-list")).status_code == 403
    assert ">Models</a>" not in client.get(reverse("dashboard:home")).content.decode()


def test_train_now_runs_inline_when_celery_is_eager(db, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(analyst).post(reverse("mlops:model-train", args=["tiny"]))
    assert response.status_code == 302
    run = TrainingRun.objects.get(name="tiny")
    assert run.status == TrainingRun.Status.SUCCEEDED and run.requested_by == analyst
    assert ModelVersion.objects.get(name="tiny").trained_by == analyst


def test_second_train_while_one_is_active_is_refused_with_a_message(db, analyst):
    training_run_start(name="tiny")
    response = _client(analyst).post(reverse("mlops:model-train", args=["tiny"]), follow=True)
    assert "already queued or running" in response.content.decode()
    assert TrainingRun.objects.filter(name="tiny").count() == 1


def test_unknown_model_is_404(db, analyst):
    assert _client(analyst).post(reverse("mlops:model-train", args=["nope"])).status_code == 404


def test_admin_promotes_and_rolls_back(versions, platform_admin):
    first, second = versions
    client = _client(platform_admin)
    client.post(reverse("mlops:version-promote", args=[second.pk]))
    second.refresh_from_db()
    assert second.stage == Stage.PRODUCTION and second.promoted_by == platform_admin
    response = client.post(reverse("mlops:model-rollback", args=["fraud"]), follow=True)
    assert "fraud v1 is in production again" in response.content.decode()
    assert ModelVersion.objects.get(stage=Stage.PRODUCTION) == first


def test_roll_back_without_an_earlier_production_says_so(db, platform_admin):
    model_promote(version=model_register(name="fraud", obj=1, card=CARD))
    response = _client(platform_admin).post(reverse("mlops:model-rollback", args=["fraud"]), follow=True)
    assert "nothing to roll back to" in response.content.decode()


def test_analyst_may_not_promote(versions, analyst):
    assert _client(analyst).post(reverse("mlops:version-promote", args=[versions[1].pk])).status_code == 403
    versions[1].refresh_from_db()
    assert versions[1].stage == Stage.NONE


def test_each_model_shows_its_own_headline_metrics(client, platform_admin):
    from apps.mlops.charts import headline_metrics
    from apps.mlops.services import ModelCard, model_register

    card = ModelCard({"ndcg_at_10": 0.31, "precision_at_10": 0.12, "rows": 5000}, {}, [], None, None, {})
    version = model_register(name="recs-like", obj=1, card=card)
    assert headline_metrics("recs-like", [version]) == ["ndcg_at_10", "precision_at_10"]  # counts are not rates
    client.force_login(platform_admin)
    page = client.get("/models/").content.decode()
    assert "ndcg@10" in page and "0.310" in page and "precision@10" in page
