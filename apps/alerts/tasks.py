"""Beat's daily check that retrains the alert recommender once its production model is a week old."""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.alerts.recommendations import MODEL_NAME
from apps.mlops.pipeline import training_request
from apps.mlops.selectors import production_version
from apps.mlops.services import TrainingAlreadyRunning

logger = logging.getLogger(__name__)


def model_is_stale(*, now=None) -> bool:
    """True without a production model, or when it was trained ALERTS_MODEL_MAX_AGE_DAYS ago or more."""
    version = production_version(name=MODEL_NAME)
    now = now or timezone.now()
    return version is None or now - version.created_at >= timedelta(days=settings.ALERTS_MODEL_MAX_AGE_DAYS)


@shared_task(name="alerts.retrain_if_stale", ignore_result=True)
def retrain_if_stale_task() -> str:
    if not model_is_stale():
        return "fresh"
    try:
        run = training_request(name=MODEL_NAME)
    except TrainingAlreadyRunning:
        logger.info("alerts.retrain_if_stale: a run is already active, skipped")
        return "skipped"
    return f"queued run {run.pk}"
