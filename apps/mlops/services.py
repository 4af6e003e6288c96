"""Registering, promoting and tracking training runs of models."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.audit import audit_record
from apps.mlops.artifacts import as_content_file, dump_bytes, sha256
from apps.mlops.models import ModelVersion, Stage, TrainingRun


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
    now = timezone.now()
    fields = {"progress": max(0.0, min(1.0, progress)), "message": message[:255], "status": TrainingRun.Status.RUNNING}
    TrainingRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=now)
    TrainingRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db(fields=["progress", "message", "status", "started_at"])
    run.log += f"{now:%H:%M:%S} {int(progress * 100):3d}% {message}\n"
    TrainingRun.objects.filter(pk=run.pk).update(log=run.log)


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
