"""Canary releases: a staging version answers a share of live requests next to production.

Routing hashes the model name and a request key (the customer's id) into 10,000 buckets; keys in
the first `share` % go to the staging version. The same key always lands in the same bucket, so a
shopper does not flip between versions from one request to the next, and raising the share only
adds keys. Serving code calls `model_for(name, key, production=..., adapt=...)` where it used to
load the production model: with no canary (the usual case) it costs no query, because the canary
settings are read at most every CANARY_CHECK_SECONDS per process; a change made in this process
applies at once, in the others within that many seconds.

Starting, resizing, stopping and promoting a canary are audited (apps.core AuditLog).
"""
from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from apps.core.audit import audit_record
from apps.mlops.artifacts import load_verified
from apps.mlops.models import Canary, ModelVersion, ServedPrediction, Stage
from apps.mlops.selectors import production_model
from apps.mlops.services import model_promote

logger = logging.getLogger(__name__)
T = TypeVar("T")

BUCKETS = 10_000
CANARY_CHECK_SECONDS = 5.0
"""A canary change reaches every web process within this many seconds."""


@dataclass(frozen=True)
class ActiveCanary:
    version_id: int
    version: int
    share: int
    started_at: datetime


_settings: dict[str, Any] = {"checked": float("-inf"), "canaries": {}}
_loaded: dict[int, Any] = {}
_adapted: dict[tuple[int, Any], Any] = {}
_version_ids: dict[tuple[str, int], int] = {}
_lock = threading.Lock()


class CanaryError(ValueError):
    """A canary request that cannot be carried out; the message names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- routing ------------------------------------------------------------------------------------


def bucket(name: str, key: str) -> int:
    """The key's stable bucket in 0..BUCKETS-1 for model `name` (independent across models)."""
    digest = hashlib.sha256(f"{name}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_canary(*, name: str, key: str, share: int) -> bool:
    return bucket(name, key) < share * BUCKETS // 100


def active_canaries() -> dict[str, ActiveCanary]:
    """Every running canary by model name, re-read at most every CANARY_CHECK_SECONDS."""
    now = time.monotonic()
    if _settings["checked"] + CANARY_CHECK_SECONDS > now:
        return _settings["canaries"]
    rows = Canary.objects.select_related("version").only(
        "name", "share", "started_at", "version__id", "version__version"
    )
    canaries = {row.name: ActiveCanary(row.version_id, row.version.version, row.share, row.started_at) for row in rows}
    _settings.update(checked=now, canaries=canaries)
    return canaries


def canary_arm(name: str, key: object) -> int | None:
    """The canary version id that answers request `key` of model `name`, or None for production.

    Callers that cache answers put it in their cache key, so an answer cached before a canary
    started, changed share or stopped is not served after it.
    """
    canary = active_canaries().get(name)
    if canary is not None and key not in (None, "") and in_canary(name=name, key=str(key), share=canary.share):
        return canary.version_id
    return None


def canary_forget() -> None:
    """Read the canary settings and load its version again on the next request (after a change here, in tests)."""
    _settings.update(checked=float("-inf"), canaries={})
    _version_ids.clear()
    with _lock:
        _loaded.clear()
        _adapted.clear()


def _production_default(name: str) -> Callable[[], Any]:
    return lambda: production_model(name=name)


def _identity(version: ModelVersion, obj: Any) -> tuple[ModelVersion, Any]:
    return version, obj


def _staging(version_id: int, adapt: Callable[[ModelVersion, Any], T]) -> T | None:
    """The canary version loaded (checksum-verified) and adapted once per process; None if it cannot serve."""
    key = (version_id, getattr(adapt, "__code__", adapt))
    if key in _adapted:
        return _adapted[key]
    with _lock:
        try:
            version = ModelVersion.objects.get(pk=version_id)
            if version_id not in _loaded:
                _loaded[version_id] = load_verified(version.artifact, version.checksum)
            served = adapt(version, _loaded[version_id])
        except Exception:  # a broken or unsuitable artifact: production answers instead, never a 500
            logger.exception("canary version %s cannot serve; production answers its share", version_id)
            served = None
        _adapted[key] = served
    return served


def model_for(
    name: str,
    key: object,
    *,
    production: Callable[[], T] | None = None,
    adapt: Callable[[ModelVersion, Any], T] | None = None,
) -> T:
    """What should answer request `key` of model `name`: the canary version for keys in its share, else production.

    `production` loads the production answer the way the caller always has (default:
    `production_model(name=...)`, a (version, model) pair). `adapt(version, model)` turns the
    canary's (version, model) into the same shape; returning None or raising means the canary
    cannot serve, and production answers. Both the load and the adaptation are cached per version.
    """
    version_id = canary_arm(name, key)
    if version_id is not None:
        served = _staging(version_id, adapt or _identity)
        if served is not None:
            return served
    return (production or _production_default(name))()


def canary_observe(*, name: str, version: ModelVersion | int | None, score: float | None, decision: str,
                   latency_ms: float) -> None:
    """Log a sample of a model's answers while a canary of `name` runs, for the side-by-side comparison.

    `version` is the serving ModelVersion or its number; None (a fallback answer) is not logged.
    Costs nothing when no canary runs; otherwise a MONITORING["SAMPLE_RATE"] share of answers
    of both arms is written.
    """
    if version is None or name not in active_canaries() or random.random() >= settings.MONITORING["SAMPLE_RATE"]:
        return
    version_id = version.pk if isinstance(version, ModelVersion) else _version_id(name, version)
    if version_id is not None:
        ServedPrediction.objects.create(model_version_id=version_id, score=score, decision=decision[:32], latency_ms=latency_ms)


def _version_id(name: str, number: int) -> int | None:
    if (name, number) not in _version_ids:
        found = ModelVersion.objects.filter(name=name, version=number).values_list("pk", flat=True).first()
        if found is None:
            return None
        _version_ids[(name, number)] = found
    return _version_ids[(name, number)]


# --- writes -------------------------------------------------------------------------------------


def _state(canary: Canary | None) -> dict | None:
    return None if canary is None else {"version": canary.version.version, "share": canary.share}


def _unstage(version_id: int) -> None:
    """A version leaving the canary goes back to "archived" if it once served, else "none" (rollback still finds it)."""
    staged = ModelVersion.objects.filter(pk=version_id, stage=Stage.STAGING)
    staged.filter(promoted_at__isnull=False).update(stage=Stage.ARCHIVED)
    staged.filter(promoted_at__isnull=True).update(stage=Stage.NONE)


def canary_set(*, name: str, version: ModelVersion, share: int, actor=None, source: str = "portal") -> Canary:
    """Start a canary of `version` at `share` %, or change the running one's version or share (idempotent).

    The version becomes "staging"; one replaced by another version goes back to what it was.
    """
    if version.name != name:
        raise CanaryError("version", f"{version} is not a {name} version")
    if not 0 <= share <= 100:
        raise CanaryError("share", f"share must be between 0 and 100, not {share}")
    with transaction.atomic():
        if version.stage == Stage.PRODUCTION:
            raise CanaryError("version", f"{version} is already in production: a canary needs another version")
        current = Canary.objects.select_for_update().select_related("version").filter(name=name).first()
        before = _state(current)
        if current is not None and current.version_id == version.pk and current.share == share:
            return current
        if current is not None and current.version_id != version.pk:
            _unstage(current.version_id)
        canary = current or Canary(name=name)
        if current is None or current.version_id != version.pk:
            canary.started_at = Canary._meta.get_field("started_at").get_default()
        canary.version, canary.share = version, share
        canary.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        canary.save()
        ModelVersion.objects.filter(pk=version.pk).update(stage=Stage.STAGING)
        version.stage = Stage.STAGING
        verb = "started" if current is None else "changed"
        audit_record(actor=actor, action="create" if current is None else "update", instance=canary, before=before,
                     after=_state(canary), summary=f"{verb} canary: {name} v{version.version} at {share}%", source=source)
    canary_forget()
    return canary


def _canary_end(
    *, name: str, actor, source: str, audit_action: str, verb: str, missing: str, finish: Callable[[ModelVersion], None]
) -> ModelVersion:
    """End the canary of `name` under its row lock, audited; `finish` decides where its version goes.

    Stopping and promoting differ only in the audit words and in that last step, so both share
    the locking, the refusal when none runs, the audit record and the routing reset here.
    """
    with transaction.atomic():
        canary = Canary.objects.select_for_update().select_related("version").filter(name=name).first()
        if canary is None:
            raise CanaryError("name", f"{name} has no canary {missing}")
        version = canary.version
        audit_record(actor=actor, action=audit_action, instance=canary, before=_state(canary), after=None,
                     summary=f"{verb} canary: {name} v{version.version}", source=source)
        canary.delete()
        finish(version)
    canary_forget()
    return version


def canary_stop(*, name: str, actor=None, source: str = "portal") -> ModelVersion:
    """Send all traffic back to production; the staging version returns to what it was. Returns that version."""

    def unstage(version: ModelVersion) -> None:
        _unstage(version.pk)
        version.refresh_from_db(fields=["stage"])

    return _canary_end(name=name, actor=actor, source=source, audit_action="delete", verb="stopped", missing="running",
                       finish=unstage)


def canary_promote(*, name: str, actor=None, source: str = "portal") -> ModelVersion:
    """Make the canary version production (archiving the current one) and end the canary, atomically."""
    return _canary_end(name=name, actor=actor, source=source, audit_action="action", verb="promoted",
                       missing="to promote", finish=lambda version: model_promote(version=version, actor=actor))
