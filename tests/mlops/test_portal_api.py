"""The model registry API: typed reads, training with progress, promotion, and its role checks."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.mlops.models import Stage, TrainingRun
from apps.mlops.pipeline import TRAINERS
from apps.mlops.services import ModelCard, model_promote, model_register, training_run_progress, training_run_start

CARD = ModelCard({"auc_roc": 0.9, "decline_precision": None}, {}, ["amount"], None, None, {"train": 10})


@pytest.fixture(autouse=True)
def tiny(monkeypatch):
    # "fraud" is a real choice of the API's name field; a tiny trainer keeps the test fast.
    monkeypatch.setitem(TRAINERS, "fraud", "tests.mlops.test_tasks_pipeline.tiny_trainer")


def test_run_progress_json(db, api_client_for, analyst):
    run = training_run_start(name="fraud")
    training_run_progress(run=run, progress=0.55, message="training")
    body = api_client_for(analyst).get(reverse("trainingrun-detail", args=[run.pk])).json()
    assert body["status"] == "running" and body["progress"] == 0.55 and body["message"] == "training"
    assert "55% training" in body["log"]


def test_post_training_run_trains_and_a_second_is_a_conflict(db, api_client_for, analyst, django_capture_on_commit_callbacks):
    client = api_client_for(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("trainingrun-list"), {"name": "fraud"}, format="json")
    assert response.status_code == 202
    assert TrainingRun.objects.get(pk=response.json()["id"]).status == TrainingRun.Status.SUCCEEDED
    training_run_start(name="fraud")
    conflict = client.post(reverse("trainingrun-list"), {"name": "fraud"}, format="json")
    assert conflict.status_code == 409
    assert conflict.json() == {"detail": "a fraud training run is already queued or running", "code": "conflict", "errors": {}}


def test_unknown_model_name_is_a_400_on_the_field(db, api_client_for, analyst):
    response = api_client_for(analyst).post(reverse("trainingrun-list"), {"name": "nope"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]


def test_versions_list_filters_by_name_and_shows_metrics(db, api_client_for, analyst):
    model_register(name="fraud", obj=1, card=CARD)
    model_register(name="recs", obj=1, card=CARD)
    rows = api_client_for(analyst).get(reverse("modelversion-list"), {"name": "fraud"}).json()["results"]
    assert [(row["name"], row["version"], row["stage"]) for row in rows] == [("fraud", 1, "none")]
    assert rows[0]["metrics"] == {"auc_roc": 0.9, "decline_precision": None}


def test_promote_and_rollback_are_for_admins(db, api_client_for, analyst, platform_admin):
    first = model_promote(version=model_register(name="fraud", obj=1, card=CARD))
    second = model_register(name="fraud", obj=2, card=CARD)
    assert api_client_for(analyst).post(reverse("modelversion-promote", args=[second.pk])).status_code == 403
    admin = api_client_for(platform_admin)
    promoted = admin.post(reverse("modelversion-promote", args=[second.pk]))
    assert promoted.status_code == 200 and promoted.json()["stage"] == Stage.PRODUCTION
    assert promoted.json()["promoted_by"] == platform_admin.username
    rolled = admin.post(reverse("modelversion-rollback"), {"name": "fraud"}, format="json")
    assert rolled.status_code == 200 and rolled.json()["version"] == first.version
    nothing = admin.post(reverse("modelversion-rollback"), {"name": "recs"}, format="json")
    assert nothing.status_code == 400 and "name" in nothing.json()["errors"]


def test_schema_documents_the_registry(db, api_client_for, platform_admin):
    schema = api_client_for(platform_admin).get(reverse("schema"), {"format": "json"}).json()
    assert "/api/v1/training-runs/" in schema["paths"]
    assert "409" in schema["paths"]["/api/v1/training-runs/"]["post"]["responses"]
    assert "/api/v1/model-versions/{id}/promote/" in schema["paths"]
