"""Periodic jobs declared in code become beat rows after migrate, and admin edits survive."""
from __future__ import annotations

import json

import pytest
from django_celery_beat.models import PeriodicTask

from apps.core.schedules import PERIODIC_JOBS, periodic_jobs_sync

pytestmark = pytest.mark.django_db


def test_migrate_created_a_beat_row_for_every_declared_job():
    rows = {row.name: row for row in PeriodicTask.objects.filter(name__in=PERIODIC_JOBS)}
    assert set(rows) == set(PERIODIC_JOBS)
    fraud = rows["Train fraud model"]
    assert (fraud.task, json.loads(fraud.args), fraud.crontab.day_of_week) == ("mlops.train_scheduled", ["fraud"], "0")


def test_sync_leaves_an_edited_row_alone():
    PeriodicTask.objects.filter(name="Train fraud model").update(enabled=False)
    assert periodic_jobs_sync() == []
    assert PeriodicTask.objects.get(name="Train fraud model").enabled is False


def test_sync_recreates_a_deleted_row():
    PeriodicTask.objects.filter(name="Train fraud model").delete()
    assert periodic_jobs_sync() == ["Train fraud model"]
