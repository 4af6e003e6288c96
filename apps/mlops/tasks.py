"""The Celery task that trains any registered model: `mlops.train(name, run_id)`."""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from apps.mlops.models import TrainingRun
from apps.mlops.pipeline import TrainingOptions, training_execute, training_request
from apps.mlops.services import TrainingAlreadyRunning, training_runs_reap_stale

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
"""A database or broker that is briefly away: worth another attempt. Anything else is a real failure."""
MAX_RETRIES = 3
RETRY_DELAY_SECONDS = 60


@shared_task(
    bind=True,
    name="mlops.train",
    acks_late=True,
    # A pool process killed mid-run (SIGKILL, OOM killer) puts the message back instead of acking it
    # as failed, which would leave the run "running" forever (tests/faults/test_training_worker_killed.py).
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    ignore_result=False,
    soft_time_limit=settings.CELERY_TRAINING_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TRAINING_SOFT_TIME_LIMIT + 300,
)
def train_task(self, name: str, run_id: int) -> dict:
    """Train `name` for the queued run `run_id`.

    Late acknowledgement: a worker that dies mid-training leaves the message to be redelivered,
    and the redelivery trains the same run again. A run that has already finished (a duplicate
    delivery) is left alone, so the task is idempotent.
    """
    run = TrainingRun.objects.filter(pk=run_id, name=name).first()
    if run is None or run.status in (TrainingRun.Status.SUCCEEDED, TrainingRun.Status.FAILED):
        logger.info("mlops.train %s run %s: nothing to do (missing or already finished)", name, run_id)
        return {"run": run_id, "status": run.status if run else "missing"}
    retries_left = self.request.retries < self.max_retries
    try:
        outcome = training_execute(
            run=run,
            options=TrainingOptions(actor=run.requested_by),
            keep_queued_on=TRANSIENT_ERRORS if retries_left else (),
        )
    except TRANSIENT_ERRORS as exc:
        if retries_left:
            raise self.retry(exc=exc, countdown=RETRY_DELAY_SECONDS * (self.request.retries + 1)) from exc
        logger.exception("mlops.train %s run %s failed after %d retries", name, run_id, self.request.retries)
        return _failed(run_id)
    except Exception:
        # The run already holds the reason and the portal shows it; raising would only make an
        # eager (inline) task break the request that queued it.
        logger.exception("mlops.train %s run %s failed", name, run_id)
        return _failed(run_id)
    return {"run": run_id, "status": "succeeded", "version": outcome.version.version, "promoted": outcome.promoted}


@shared_task(name="mlops.train_scheduled", ignore_result=True)
def train_scheduled_task(name: str) -> str:
    """Beat's entry point: queue a run of `name` unless one is already queued or running."""
    try:
        run = training_request(name=name)
    except TrainingAlreadyRunning:
        logger.info("mlops.train_scheduled %s: a run is already active, skipped", name)
        return "skipped"
    return f"queued run {run.pk}"


def _failed(run_id: int) -> dict:
    run = TrainingRun.objects.get(pk=run_id)
    return {"run": run_id, "status": run.status, "reason": run.message}


@shared_task(name="mlops.monitor", ignore_result=True)
def monitor_task() -> list[str]:
    """Beat's daily drift check of every production model (see apps.mlops.monitoring)."""
    from apps.mlops.monitoring import drift_check_all

    return [f"{report.model_version}: {report.status}" for report in drift_check_all()]


@shared_task(name="mlops.reap_stale_runs", ignore_result=True)
def reap_stale_runs_task() -> list[int]:
    """Beat's job failing runs whose worker died with them (see training_runs_reap_stale)."""
    return training_runs_reap_stale()
