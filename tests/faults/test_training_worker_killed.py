"""A Celery worker process is killed (SIGKILL) in the middle of a training run.

The run is trained again on the same row (redelivered), is never duplicated and never stays
"running"; the production model of that name keeps serving throughout.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.pipeline import TRAINERS, training_request
from apps.mlops.services import ModelCard, model_promote, model_register
from tests.faults.services import ROOT, database_url_for_tests, wait_for
from tests.faults.slow_trainer import FAULT_MODEL, HOLD_ENV

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fault_trainer(monkeypatch, tmp_path):
    monkeypatch.setitem(TRAINERS, FAULT_MODEL, "tests.faults.slow_trainer.slow_train")
    (tmp_path / "hold").touch()
    return tmp_path


@pytest.fixture
def training_worker(postgres_required, redis_required, fault_trainer, settings):
    from config.celery import app

    # This process publishes to the real broker, as the web server does.
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_tests(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        HOLD_ENV: str(fault_trainer),
    }
    log = (fault_trainer / "worker.log").open("wb")
    command = [sys.executable, "-c", "import runpy; runpy.run_module('tests.faults.training_worker', run_name='__main__')"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield worker, fault_trainer
    finally:
        app.conf.task_always_eager = True
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        log.close()


def _production() -> list[int]:
    return list(ModelVersion.objects.filter(name=FAULT_MODEL, stage=Stage.PRODUCTION).values_list("version", flat=True))


def test_training_killed_mid_run_is_retried_once_and_production_keeps_serving(training_worker):
    worker, folder = training_worker
    card = ModelCard(metrics={}, parameters={}, features=["x"], data_start=None, data_end=None, row_counts={})
    model_promote(version=model_register(name=FAULT_MODEL, obj={"attempt": 0}, card=card))
    assert _production() == [1]

    run = training_request(name=FAULT_MODEL)
    wait_for(lambda: (folder / "pid-1").exists(), timeout=120, what="the worker to start training", interval=0.25)
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.RUNNING

    os.kill(int((folder / "pid-1").read_text()), signal.SIGKILL)  # the pool process running the trainer
    assert _production() == [1]

    # The message goes back to the queue and the worker's new pool process trains the same run again.
    wait_for(lambda: (folder / "pid-2").exists(), timeout=120, what="the run to be redelivered", interval=0.25)
    (folder / "hold").unlink()

    def finished():
        run.refresh_from_db()
        return run.status in (TrainingRun.Status.SUCCEEDED, TrainingRun.Status.FAILED)

    wait_for(finished, timeout=120, what="the retried run to finish", interval=0.25)
    log = (folder / "worker.log").read_text(errors="replace")
    assert run.status == TrainingRun.Status.SUCCEEDED, log[-3000:]
    assert TrainingRun.objects.filter(name=FAULT_MODEL).count() == 1
    assert list(ModelVersion.objects.filter(name=FAULT_MODEL).order_by("version").values_list("version", flat=True)) == [1, 2]
    assert run.model_version.version == 2 and run.model_version.metrics == {"attempt": 2}
    assert _production() == [1], "an unpromoted retrain must not replace the serving model"
    assert worker.poll() is None, "the worker itself survives the loss of a pool process"
    assert not (folder / "pid-3").exists(), "the run was trained once more than needed"
