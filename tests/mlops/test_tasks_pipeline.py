"""The training pipeline and the `mlops.train` task, with tiny trainers standing in for real models."""
from __future__ import annotations

import pytest
from django.db import OperationalError

from apps.mlops.models import ModelVersion, TrainingRun
from apps.mlops.pipeline import (
    TRAINERS,
    TrainingOptions,
    TrainingOutcome,
    TrainingRefused,
    UnknownModel,
    training_execute,
    training_request,
    training_start_and_execute,
)
from apps.mlops.services import ModelCard, TrainingAlreadyRunning, model_register, training_run_start
from apps.mlops.tasks import MAX_RETRIES, train_scheduled_task, train_task

CARD = ModelCard({"auc_roc": 0.8}, {}, ["amount"], None, None, {"train": 3})
FAILURES: list[BaseException] = []
"""What the "flaky" trainer raises next, one per call; empty: it succeeds."""


def tiny_trainer(*, options: TrainingOptions, report) -> TrainingOutcome:
    report(0.25, "reading")
    report(0.75, "fitting")
    version = model_register(name="tiny", obj={"w": 1}, card=CARD, trained_by=options.actor)
    return TrainingOutcome(version=version, promoted=False, promotion_reason="kept", summary=[("rows", "3")])


def refusing_trainer(*, options: TrainingOptions, report) -> TrainingOutcome:
    report(0.1, "reading")
    raise TrainingRefused("not enough data: 3 payments")


def broken_trainer(*, options: TrainingOptions, report) -> TrainingOutcome:
    raise RuntimeError("disk full")


def flaky_trainer(*, options: TrainingOptions, report) -> TrainingOutcome:
    if FAILURES:
        raise FAILURES.pop(0)
    return tiny_trainer(options=options, report=report)


@pytest.fixture(autouse=True)
def trainers(monkeypatch):
    for name in ("tiny", "refusing", "broken", "flaky"):
        monkeypatch.setitem(TRAINERS, name, f"{__name__}.{name}_trainer")
    FAILURES.clear()


def test_run_reports_progress_and_finishes_with_the_version(db, platform_admin):
    seen = []
    run, outcome = training_start_and_execute(
        name="tiny", options=TrainingOptions(actor=platform_admin), on_progress=lambda p, m: seen.append((p, m))
    )
    run.refresh_from_db()
    assert seen == [(0.25, "reading"), (0.75, "fitting")]
    assert run.status == TrainingRun.Status.SUCCEEDED and run.progress == 1.0
    assert run.model_version == outcome.version and outcome.version.trained_by == platform_admin
    assert " 25% reading" in run.log and " 75% fitting" in run.log
    assert run.started_at is not None and run.finished_at is not None


def test_one_active_run_per_model(db):
    training_run_start(name="tiny")
    with pytest.raises(TrainingAlreadyRunning, match="already queued or running"):
        training_request(name="tiny")
    with pytest.raises(TrainingAlreadyRunning):
        training_start_and_execute(name="tiny", options=TrainingOptions())
    training_request(name="broken")  # another model may train meanwhile
    assert TrainingRun.objects.filter(name="tiny").count() == 1


def test_unknown_model_is_refused_before_a_run_is_opened(db):
    with pytest.raises(UnknownModel, match="trainable models: .*tiny"):
        training_request(name="nope")
    assert not TrainingRun.objects.exists()


@pytest.mark.parametrize(
    ("name", "error", "reason"),
    [
        ("refusing", TrainingRefused, "not enough data: 3 payments"),
        ("broken", RuntimeError, "RuntimeError: disk full"),
    ],
)
def test_failure_marks_the_run_failed_with_its_reason(db, name, error, reason):
    run = training_run_start(name=name)
    with pytest.raises(error):
        training_execute(run=run, options=TrainingOptions())
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.FAILED
    assert run.message == reason and f"failed: {reason}" in run.log
    assert run.finished_at is not None
    assert not TrainingRun.objects.filter(status__in=["queued", "running"]).exists()
    training_run_start(name=name)  # the failed run no longer blocks the next one


def test_request_queues_the_task_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = training_request(name="tiny")
        assert TrainingRun.objects.get(pk=run.pk).status == TrainingRun.Status.QUEUED
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.SUCCEEDED and run.task_id
    assert ModelVersion.objects.filter(name="tiny").count() == 1


def test_scheduled_training_queues_a_run_and_skips_while_one_is_active(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert train_scheduled_task("tiny").startswith("queued run")
    assert TrainingRun.objects.get(name="tiny").status == TrainingRun.Status.SUCCEEDED
    training_run_start(name="tiny")
    assert train_scheduled_task("tiny") == "skipped"


def test_task_called_directly_trains_once_and_is_idempotent(db, platform_admin):
    run = training_run_start(name="tiny", requested_by=platform_admin)
    result = train_task("tiny", run.pk)
    assert result == {"run": run.pk, "status": "succeeded", "version": 1, "promoted": False}
    assert ModelVersion.objects.get(name="tiny").trained_by == platform_admin
    again = train_task("tiny", run.pk)  # a redelivered message
    assert again == {"run": run.pk, "status": "succeeded"}
    assert ModelVersion.objects.filter(name="tiny").count() == 1
    assert train_task("tiny", 999_999)["status"] == "missing"


def test_task_retries_a_transient_error_on_the_same_run(db):
    FAILURES.append(OperationalError("server closed the connection"))
    run = training_run_start(name="flaky")
    with pytest.raises(OperationalError):  # called directly, Celery's retry re-raises the error
        train_task("flaky", run.pk)
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.QUEUED and run.message.startswith("retrying after: OperationalError")
    assert train_task("flaky", run.pk)["status"] == "succeeded"


def test_task_does_not_retry_a_real_failure(db):
    FAILURES.append(ValueError("bad maths"))
    run = training_run_start(name="flaky")
    result = train_task("flaky", run.pk)
    assert result == {"run": run.pk, "status": "failed", "reason": "ValueError: bad maths"}
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.FAILED


def test_task_gives_up_after_the_last_retry_and_fails_the_run(db):
    FAILURES.append(OperationalError("server closed the connection"))
    run = training_run_start(name="flaky")
    result = train_task.apply(args=("flaky", run.pk), retries=MAX_RETRIES).get()
    assert result["status"] == "failed" and result["reason"].startswith("OperationalError")
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.FAILED
