"""Runs whose whole worker died: the beat job fails them once their heartbeat is older than the setting."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.core.schedules import PERIODIC_JOBS
from apps.mlops.models import TrainingRun
from apps.mlops.pipeline import TRAINERS, TrainingOptions, training_execute
from apps.mlops.services import training_run_progress, training_run_start, training_runs_reap_stale
from apps.mlops.tasks import reap_stale_runs_task, train_task

pytestmark = pytest.mark.django_db


def _running(name: str, *, silent_minutes: float) -> TrainingRun:
    run = training_run_start(name=name)
    training_run_progress(run=run, progress=0.3, message="fitting")
    TrainingRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=silent_minutes))
    return run


def test_progress_reports_are_the_heartbeat():
    run = training_run_start(name="tiny")
    assert run.heartbeat_at is None
    before = timezone.now()
    training_run_progress(run=run, progress=0.5, message="half way")
    assert TrainingRun.objects.get(pk=run.pk).heartbeat_at >= before


def test_runs_silent_longer_than_the_setting_are_failed_with_a_reason(settings):
    settings.TRAINING_RUN_STALE_MINUTES = 30
    stale = _running("fraud", silent_minutes=31)
    alive = _running("segments", silent_minutes=29)
    queued = training_run_start(name="bots")  # waiting for a worker: not the reaper's business
    TrainingRun.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=5))
    assert reap_stale_runs_task.delay().get() == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == TrainingRun.Status.FAILED and stale.finished_at is not None
    assert "no progress for over 30 minutes" in stale.message and "worker" in stale.message
    assert "failed: no progress" in stale.log
    assert TrainingRun.objects.get(pk=alive.pk).status == TrainingRun.Status.RUNNING
    assert TrainingRun.objects.get(pk=queued.pk).status == TrainingRun.Status.QUEUED
    assert training_runs_reap_stale() == []  # nothing left to reap
    training_run_start(name="fraud")  # the model can be trained again


def test_a_run_without_any_heartbeat_is_judged_by_its_start(settings):
    settings.TRAINING_RUN_STALE_MINUTES = 10
    run = training_run_start(name="fraud")
    long_ago = timezone.now() - timedelta(minutes=11)
    TrainingRun.objects.filter(pk=run.pk).update(status=TrainingRun.Status.RUNNING, started_at=long_ago)
    assert training_runs_reap_stale() == [run.pk]


def test_a_reaped_run_stays_failed_and_a_redelivered_task_does_nothing(settings, monkeypatch):
    monkeypatch.setitem(TRAINERS, "tiny", "tests.mlops.test_tasks_pipeline.tiny_trainer")
    settings.TRAINING_RUN_STALE_MINUTES = 30
    run = _running("tiny", silent_minutes=45)
    training_runs_reap_stale()
    training_run_progress(run=run, progress=0.6, message="a late report from a worker thought dead")
    assert TrainingRun.objects.get(pk=run.pk).status == TrainingRun.Status.FAILED
    assert train_task.apply(args=("tiny", run.pk)).get()["status"] == "failed"
    assert not TrainingRun.objects.get(pk=run.pk).model_version


def test_the_models_page_shows_why_the_run_failed(settings, analyst):
    settings.TRAINING_RUN_STALE_MINUTES = 30
    _running("fraud", silent_minutes=60)
    training_runs_reap_stale()
    client = Client()
    client.force_login(analyst)
    html = client.get(reverse("mlops:model-list")).content.decode()
    assert "no progress for over 30 minutes" in html


def test_the_reaper_is_scheduled_and_the_pipeline_still_finishes_runs(monkeypatch):
    assert PERIODIC_JOBS["Fail stale training runs"].task == reap_stale_runs_task.name
    monkeypatch.setitem(TRAINERS, "tiny", "tests.mlops.test_tasks_pipeline.tiny_trainer")
    run = training_run_start(name="tiny")
    training_execute(run=run, options=TrainingOptions())
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.SUCCEEDED and run.heartbeat_at is not None
