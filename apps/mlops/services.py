"""Registering, promoting and tracking training runs of models."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from apps.core.audit import audit_record
from apps.mlops.artifacts import as_content_file, dump_bytes, sha256
from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.selectors import ACTIVE_RUN_STATUSES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelCard:
    """What training hands to the registry besides the fitted object."""

    metrics: dict
    parameters: dict
    features: list[str]
    data_start: datetime | None
    data_end: datetime | None
    row_counts: dict
    reference: dict = field(default_factory=dict)
    """`ml.monitoring.drift.reference_profile` of the training features (and "score"), for drift checks."""


def json_safe(value):
    """NaN and infinities become null (PostgreSQL's jsonb refuses them); numpy scalars become Python's.

    For what trainers put in a ModelCard (metrics, parameters, reference profiles).
    """
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def model_register(*, name: str, obj: Any, card: ModelCard, trained_by=None, attempts: int = 3) -> ModelVersion:
    """Store the artifact and record the next version number of `name`.

    Two concurrent registrations may compute the same number; the unique constraint refuses
    the second, which then retries with the next number.
    """
    data = dump_bytes(obj)
    checksum = sha256(data)
    attempt = 0
    while True:
        number = (ModelVersion.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0) + 1
        version = ModelVersion(
            name=name,
            version=number,
            metrics=card.metrics,
            parameters=card.parameters,
            features=card.features,
            data_start=card.data_start,
            data_end=card.data_end,
            row_counts=card.row_counts,
            reference=card.reference,
            checksum=checksum,
            trained_by=trained_by,
        )
        version.artifact.save(f"{name}-v{number}-{checksum[:12]}.joblib", as_content_file(data, "artifact"), save=False)
        try:
            with transaction.atomic():
                version.save()
            return version
        except IntegrityError:
            version.artifact.delete(save=False)
            attempt += 1
            if attempt >= attempts:
                raise


def model_promote(*, version: ModelVersion, actor=None, verb: str = "promoted") -> ModelVersion:
    """Make `version` the production model, archiving the previous one, atomically and audited (as `verb`)."""
    with transaction.atomic():
        previous = ModelVersion.objects.select_for_update().filter(name=version.name, stage=Stage.PRODUCTION).first()
        if previous is not None and previous.pk != version.pk:
            previous.stage = Stage.ARCHIVED
            previous.save(update_fields=["stage"])
        version.stage = Stage.PRODUCTION
        version.promoted_at = timezone.now()
        version.promoted_by = actor if getattr(actor, "is_authenticated", False) else None
        version.save(update_fields=["stage", "promoted_at", "promoted_by"])
        audit_record(
            actor=actor,
            action="action",
            instance=version,
            before={"production": previous.version if previous else None},
            after={"production": version.version},
            summary=f"{verb} {version}",
            source="command" if actor is None else "portal",
        )
    return version


class TrainingAlreadyRunning(Exception):
    pass


def training_run_start(*, name: str, requested_by=None, task_id: str = "") -> TrainingRun:
    """Open a run for `name`; the partial unique constraint refuses a second active run."""
    try:
        with transaction.atomic():
            return TrainingRun.objects.create(name=name, requested_by=requested_by, task_id=task_id)
    except IntegrityError as exc:
        raise TrainingAlreadyRunning(f"a {name} training run is already queued or running") from exc


def training_run_progress(*, run: TrainingRun, progress: float, message: str) -> None:
    """Record a progress report; it is also the run's heartbeat (`heartbeat_at`), which the reaper watches.

    A run the reaper already failed stays failed: a worker thought dead that reports again must
    not bring back a "running" row the Models page has already explained.
    """
    now = timezone.now()
    fields = {
        "progress": max(0.0, min(1.0, progress)),
        "message": message[:255],
        "status": TrainingRun.Status.RUNNING,
        "heartbeat_at": now,
    }
    TrainingRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=now)
    TrainingRun.objects.filter(pk=run.pk, status__in=ACTIVE_RUN_STATUSES).update(**fields)
    run.refresh_from_db(fields=["progress", "message", "status", "started_at", "heartbeat_at"])
    run.log += f"{now:%H:%M:%S} {int(progress * 100):3d}% {message}\n"
    TrainingRun.objects.filter(pk=run.pk).update(log=run.log)


def training_runs_reap_stale(*, now: datetime | None = None) -> list[int]:
    """Fail every "running" run with no progress report for TRAINING_RUN_STALE_MINUTES; returns their ids.

    A pool process killed mid-run is handled by Celery (the message is redelivered and the run
    trained again), but a whole worker killed (host lost, `kill -9` of the main process) leaves the
    row "running" until the broker's visibility timeout, hours later, and the one-active-run
    constraint blocks every new run of that model meanwhile. Trainers report progress at each step,
    far more often than the window (the longest whole run measured is under a minute). The update
    re-checks the heartbeat, so a run that reports while being reaped is left alone; a redelivered
    message finds the run failed and does nothing.
    """
    now = now or timezone.now()
    minutes = settings.TRAINING_RUN_STALE_MINUTES
    cutoff = now - timedelta(minutes=minutes)
    silent_since = Coalesce("heartbeat_at", "started_at", "created_at")
    stale = TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING).alias(silent_since=silent_since).filter(
        silent_since__lt=cutoff
    )
    reason = f"no progress for over {minutes} minutes: the worker running it stopped (killed or lost); train again"
    reaped = []
    for pk in stale.values_list("pk", flat=True):
        updated = stale.filter(pk=pk).update(
            status=TrainingRun.Status.FAILED,
            finished_at=now,
            message=reason[:255],
            log=Concat("log", Value(f"{now:%H:%M:%S} failed: {reason}\n"), output_field=TextField()),
        )
        if updated:
            reaped.append(pk)
            logger.warning("training run %s marked failed: %s", pk, reason)
    return reaped


def training_run_finish(*, run: TrainingRun, version: ModelVersion | None = None, error: str = "") -> TrainingRun:
    run.status = TrainingRun.Status.FAILED if error else TrainingRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.model_version = version
    if error:
        run.message = error[:255]
        run.log += f"{run.finished_at:%H:%M:%S} failed: {error}\n"
    else:
        run.progress = 1.0
        run.message = f"registered {version}" if version else "done"
    run.save()
    return run


class NothingToRollBack(Exception):
    pass


def model_rollback(*, name: str, actor=None) -> ModelVersion:
    """Put back in production the version that was production before the current one.

    Raises NothingToRollBack when `name` has no production version or none served before it.
    """
    with transaction.atomic():
        current = ModelVersion.objects.select_for_update().filter(name=name, stage=Stage.PRODUCTION).first()
        if current is None:
            raise NothingToRollBack(f"{name} has no production model to roll back")
        previous = (
            ModelVersion.objects.filter(name=name, stage=Stage.ARCHIVED, promoted_at__lt=current.promoted_at)
            .order_by("-promoted_at")
            .first()
        )
        if previous is None:
            raise NothingToRollBack(f"{current} is the first {name} model ever promoted: there is nothing to roll back to")
        return model_promote(version=previous, actor=actor, verb="rolled back to")
