"""Reading the registry: the production model of a name, loaded once per process and reloaded on change."""
from __future__ import annotations

import logging
import threading
from typing import Any

from django.db.models import QuerySet

from apps.mlops.artifacts import load_verified
from apps.mlops.models import Canary, DriftReport, ModelVersion, Stage, TrainingRun

logger = logging.getLogger(__name__)
_cache: dict[str, tuple[int, Any]] = {}
_lock = threading.Lock()
ACTIVE_RUN_STATUSES = (TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING)


def production_version(*, name: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(name=name, stage=Stage.PRODUCTION).first()


def production_model(*, name: str) -> tuple[ModelVersion, Any] | None:
    """The production model object for `name`, or None when there is none or it fails to load.

    Callers fall back to rules or popularity on None; a broken artifact is logged, never raised.
    """
    version = production_version(name=name)
    if version is None:
        return None
    # Keyed by checksum too: a restored database (or a test database) can reuse a version's id.
    identity = (version.pk, version.checksum)
    cached = _cache.get(name)
    if cached and cached[0] == identity:
        return version, cached[1]
    with _lock:
        try:
            obj = load_verified(version.artifact, version.checksum)
        except Exception:  # missing file, checksum mismatch, unpickling error: degrade, don't 500
            logger.exception("could not load %s", version)
            return None
        _cache[name] = (identity, obj)
    return version, obj


def model_health() -> dict:
    """Per model name: the production version and its age, for /ready."""
    report: dict[str, dict] = {}
    for version in ModelVersion.objects.filter(stage=Stage.PRODUCTION).only("name", "version", "created_at", "metrics"):
        report[version.name] = {"status": "production", "version": version.version, "trained_at": version.created_at.isoformat()}
    return report


def model_names() -> list[str]:
    return sorted(set(ModelVersion.objects.values_list("name", flat=True).distinct()))


def model_version_list(*, name: str | None = None) -> QuerySet[ModelVersion]:
    versions = ModelVersion.objects.select_related("trained_by", "promoted_by")
    return versions.filter(name=name) if name else versions


def training_run_list(*, name: str | None = None) -> QuerySet[TrainingRun]:
    runs = TrainingRun.objects.select_related("model_version", "requested_by")
    return runs.filter(name=name) if name else runs


def drift_report_list(*, name: str | None = None) -> QuerySet[DriftReport]:
    reports = DriftReport.objects.select_related("model_version")
    return reports.filter(model_version__name=name) if name else reports


def canary_list(*, name: str | None = None) -> QuerySet[Canary]:
    canaries = Canary.objects.select_related("version", "updated_by")
    return canaries.filter(name=name) if name else canaries
