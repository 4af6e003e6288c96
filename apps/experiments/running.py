"""The running experiments as assignment reads them, kept per process.

`experiment_assign` runs on every recommendation request, so it must not query the database.
Each process keeps a `RunningSet` and reloads it when the *generation* moved: a token in
Django's cache (Redis in deployments, shared by every worker) that the receivers below replace
whenever an experiment or variant is saved or deleted, at the write and again at commit (as
apps/fraud/scoring_config.py does); a process reads that token at most once a second.
EXPERIMENTS_CONFIG_MAX_AGE_SECONDS bounds how long a change that bypasses signals
(`QuerySet.update`, raw SQL) can go unseen; 0 reloads on every call.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from apps.experiments.models import Experiment, Variant
from ml.experiments.assignment import Allocation, allocation

logger = logging.getLogger(__name__)

GENERATION_KEY = "experiments:running:generation"


@dataclass(frozen=True)
class RunningExperiment:
    id: int
    key: str
    surface: str
    merchant_id: int | None
    salt: str
    allocation: Allocation
    params: dict[str, dict]
    """Variant key to its params."""


@dataclass(frozen=True)
class RunningSet:
    generation: str | None
    loaded_at: float
    by_scope: dict[tuple[str, int | None], RunningExperiment]
    """(surface, merchant id or None for platform-wide) to the experiment running there."""


def running_load() -> dict[tuple[str, int | None], RunningExperiment]:
    """Every running experiment with its bucket allocation, in two queries."""
    experiments = list(Experiment.objects.filter(status=Experiment.Status.RUNNING).prefetch_related("variants"))
    loaded = {}
    for experiment in experiments:
        variants = sorted(experiment.variants.all(), key=lambda v: (not v.is_control, v.key))
        if not variants:
            continue
        loaded[(experiment.surface, experiment.merchant_id)] = RunningExperiment(
            id=experiment.pk,
            key=experiment.key,
            surface=experiment.surface,
            merchant_id=experiment.merchant_id,
            salt=experiment.salt,
            allocation=allocation(
                holdout_share=experiment.holdout_share, weights=[(v.key, v.weight) for v in variants]
            ),
            params={v.key: dict(v.params) for v in variants},
        )
    return loaded


_current: RunningSet | None = None
_checked_at = 0.0
_lock = threading.Lock()
GENERATION_CHECK_SECONDS = 1.0


def _generation() -> str | None:
    try:
        return cache.get(GENERATION_KEY)
    except redis.RedisError as error:
        logger.warning("experiments generation unreadable, reloading from the database: %s", error)
        return uuid.uuid4().hex


def running_set() -> RunningSet:
    """The process's running experiments, reloaded when the generation moved or they are too old.

    The shared generation is read at most every GENERATION_CHECK_SECONDS (a Redis round trip
    per call would be most of an assignment's cost), so another worker's start or stop applies
    here within that second; this process's own changes apply at once (`running_changed`).
    """
    global _current, _checked_at
    cached = _current
    now = time.monotonic()
    if cached is not None and now - cached.loaded_at < settings.EXPERIMENTS_CONFIG_MAX_AGE_SECONDS:
        if now - _checked_at < GENERATION_CHECK_SECONDS:
            return cached
        generation = _generation()
        _checked_at = now
        if generation == cached.generation:
            return cached
    else:
        generation = _generation()
    with _lock:
        loaded = RunningSet(generation=generation, loaded_at=time.monotonic(), by_scope=running_load())
        _current = loaded
        _checked_at = loaded.loaded_at
    return loaded


def running_changed() -> None:
    """Make every process reload the running experiments (this one on its next assignment)."""
    global _current
    _current = None
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except redis.RedisError as error:
        logger.warning("could not announce an experiments change (workers see it within %ss): %s",
                       settings.EXPERIMENTS_CONFIG_MAX_AGE_SECONDS, error)


def _on_change(**kwargs) -> None:
    running_changed()
    transaction.on_commit(running_changed, using=kwargs.get("using"))


for _model in (Experiment, Variant):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"experiments-running-save-{_model._meta.label}")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"experiments-running-delete-{_model._meta.label}")
