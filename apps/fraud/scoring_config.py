"""What scoring reads on every call but rarely changes, kept per process: rules, risk settings,
allow/block lists, the production model and which merchants listen for webhooks.

Reading them from the database cost about seven queries per scoring call, more than the rest of
the work for a single payment. Instead each process keeps a `ScoringConfig` and reloads it when
the *generation* moved: a token in Django's cache (Redis in deployments, so every worker sees
it) that the signal receivers below replace whenever one of those rows is saved or deleted,
once at the write and again when the transaction commits (a worker that reloaded in between
would otherwise keep the uncommitted view). A scoring call therefore costs one cache read
instead of seven queries, and a new block entry or rule applies to the very next payment in
every worker. FRAUD_CONFIG_MAX_AGE_SECONDS bounds how long a change that bypasses signals
(``QuerySet.update``, raw SQL) can go unseen; 0 reloads on every call (the test settings).
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.core.background import BackgroundReload
from apps.core.process_cache import SharedGeneration
from apps.fraud.lists_service import ListIndex, list_index
from apps.fraud.models import ListEntry, RiskSettings, Rule, WebhookEndpoint
from apps.fraud.rules_service import rules_enabled
from apps.mlops.models import ModelVersion
from apps.mlops.selectors import production_model
from ml.fraud.model import FraudModel
from ml.fraud.rules import Rule as CompiledRule
from ml.fraud.serving import ServedFraudModel

logger = logging.getLogger(__name__)

GENERATION_KEY = "fraud:scoring-config:generation"
PRODUCTION_MODEL_NAME = "fraud"


@dataclass(frozen=True)
class RiskRow:
    """A RiskSettings row as scoring needs it (None thresholds defer to the next source)."""

    review_threshold: float | None
    decline_threshold: float | None
    disabled_rules: frozenset[str]


@dataclass(frozen=True)
class ScoringConfig:
    generation: object
    loaded_at: float
    rules: dict[str, tuple[CompiledRule, str]]
    risk: dict[int | None, RiskRow]
    lists: ListIndex
    model: tuple[ModelVersion, ServedFraudModel] | None
    listening_merchants: frozenset[int]
    """Merchants with an active webhook endpoint: the others need no "decision" delivery."""


def risk_rows(*, merchant_ids: set[int] | None = None) -> dict[int | None, RiskRow]:
    """RiskSettings by merchant id (None: the platform row); all merchants when `merchant_ids` is None."""
    rows = RiskSettings.objects.prefetch_related("disabled_rules")
    if merchant_ids is not None:
        rows = rows.filter(Q(merchant_id__in=merchant_ids) | Q(merchant__isnull=True))
    return {
        row.merchant_id: RiskRow(
            review_threshold=row.review_threshold,
            decline_threshold=row.decline_threshold,
            disabled_rules=frozenset(rule.name for rule in row.disabled_rules.all()),
        )
        for row in rows
    }


_served: dict[int, ServedFraudModel] = {}


def _served_model() -> tuple[ModelVersion, ServedFraudModel] | None:
    """The production fraud model wrapped for serving, built once per model version."""
    found = production_model(name=PRODUCTION_MODEL_NAME)
    if found is None:
        return None
    version, model = found
    if version.pk not in _served:
        if not isinstance(model, FraudModel) or model.thresholds is None:
            logger.error("production %s is not a thresholded FraudModel; scoring by rules only", version)
            return None
        _served[version.pk] = ServedFraudModel(model)
    return version, _served[version.pk]


_current: ScoringConfig | None = None
_lock = threading.Lock()


_shared_generation = SharedGeneration(GENERATION_KEY)


def _generation() -> object:
    try:
        return _shared_generation.current()
    except redis.RedisError as error:
        logger.warning("scoring configuration generation unreadable, reloading from the database: %s", error)
        return uuid.uuid4().hex


def scoring_config() -> ScoringConfig:
    """The process's configuration: reloaded now when its generation moved (a change applies to the next
    payment), in the background when it is only older than the max age (the current one serves
    meanwhile); a max age of 0 (tests) reloads on every call."""
    generation = _generation()
    cached = _current
    max_age = settings.FRAUD_CONFIG_MAX_AGE_SECONDS
    if cached is None or cached.generation != generation or max_age <= 0:
        return _load(generation)
    if time.monotonic() - cached.loaded_at >= max_age:
        _reload.start()
    return cached


def _load(generation: object) -> ScoringConfig:
    global _current
    with _lock:
        loaded = ScoringConfig(
            generation=generation,
            loaded_at=time.monotonic(),
            rules=rules_enabled(),
            risk=risk_rows(),
            lists=list_index(),
            model=_served_model(),
            listening_merchants=frozenset(
                WebhookEndpoint.objects.filter(active=True).values_list("merchant_id", flat=True).distinct()
            ),
        )
        _current = loaded
    return loaded


_reload = BackgroundReload("fraud-scoring-config", lambda: _load(_generation()))


def scoring_config_changed() -> None:
    """Make every process reload its configuration on its next scoring call."""
    try:
        _shared_generation.bump()
    except redis.RedisError as error:
        logger.warning("could not announce a scoring configuration change (workers see it within %ss): %s",
                       settings.FRAUD_CONFIG_MAX_AGE_SECONDS, error)


def _on_change(**kwargs) -> None:
    scoring_config_changed()
    transaction.on_commit(scoring_config_changed, using=kwargs.get("using"))


for _model in (Rule, RiskSettings, ListEntry, ModelVersion, WebhookEndpoint):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"scoring-config-save-{_model._meta.label}")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"scoring-config-delete-{_model._meta.label}")
m2m_changed.connect(_on_change, sender=RiskSettings.disabled_rules.through, dispatch_uid="scoring-config-disabled-rules")
