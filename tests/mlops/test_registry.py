"""The registry: versions, one production model, checksum-verified loading, one active run."""
import pytest

from apps.core.models import AuditLog
from apps.mlops import selectors
from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.services import (
    ModelCard,
    TrainingAlreadyRunning,
    model_promote,
    model_register,
    training_run_finish,
    training_run_progress,
    training_run_start,
)

CARD = ModelCard(
    metrics={"auc": 0.9}, parameters={}, features=["amount"], data_start=None, data_end=None, row_counts={"train": 10}
)


@pytest.fixture(autouse=True)
def fresh_cache():
    selectors._cache.clear()


@pytest.mark.django_db
def test_versions_increase_and_promotion_archives_previous():
    v1 = model_register(name="fraud", obj={"w": 1}, card=CARD)
    v2 = model_register(name="fraud", obj={"w": 2}, card=CARD)
    assert (v1.version, v2.version) == (1, 2)
    model_promote(version=v1)
    model_promote(version=v2)
    v1.refresh_from_db()
    assert v1.stage == Stage.ARCHIVED
    assert ModelVersion.objects.filter(name="fraud", stage=Stage.PRODUCTION).get() == v2
    assert AuditLog.objects.filter(object_type="mlops.ModelVersion").count() == 2


@pytest.mark.django_db
def test_production_model_loads_verified_and_is_cached():
    model_promote(version=model_register(name="recs", obj={"w": 7}, card=CARD))
    version, obj = selectors.production_model(name="recs")
    assert obj == {"w": 7}
    assert selectors.production_model(name="recs")[1] is obj


@pytest.mark.django_db
def test_tampered_artifact_degrades_to_none():
    version = model_promote(version=model_register(name="fraud", obj={"w": 1}, card=CARD))
    with open(version.artifact.path, "ab") as handle:
        handle.write(b"tampered")
    assert selectors.production_model(name="fraud") is None


@pytest.mark.django_db
def test_missing_model_is_none_and_health_lists_production():
    assert selectors.production_model(name="nothing") is None
    model_promote(version=model_register(name="fraud", obj=1, card=CARD))
    assert selectors.model_health()["fraud"]["version"] == 1


@pytest.mark.django_db
def test_one_active_training_run_per_model():
    run = training_run_start(name="fraud")
    with pytest.raises(TrainingAlreadyRunning):
        training_run_start(name="fraud")
    training_run_progress(run=run, progress=0.5, message="features built")
    run.refresh_from_db()
    assert (run.status, run.progress) == (TrainingRun.Status.RUNNING, 0.5)
    assert "features built" in run.log
    training_run_finish(run=run, error="not enough labelled rows")
    assert training_run_start(name="fraud").status == TrainingRun.Status.QUEUED
