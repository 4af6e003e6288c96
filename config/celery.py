"""Celery app: configured from Django settings (CELERY_* names) with tasks found per app.

Workers log through Django's LOGGING (so task lines carry the request id that queued them), and
every task is timed and counted for /metrics (apps.core.observability*, docs/operations.md).
"""
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("shopsignal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**_) -> None:
    """Keep Django's LOGGING (JSON, request ids) instead of Celery's own root-logger setup."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def _connect_observability() -> None:
    from apps.core import observability, observability_metrics

    signals.before_task_publish.connect(observability.celery_publish_request_id, weak=False, dispatch_uid="obs.publish")
    signals.task_prerun.connect(observability.celery_bind_request_id, weak=False, dispatch_uid="obs.bind")
    signals.task_postrun.connect(observability.celery_unbind_request_id, weak=False, dispatch_uid="obs.unbind")
    signals.task_prerun.connect(observability_metrics.celery_task_started, weak=False, dispatch_uid="obs.started")
    signals.task_postrun.connect(observability_metrics.celery_task_finished, weak=False, dispatch_uid="obs.finished")


_connect_observability()


@signals.worker_process_init.connect(weak=False, dispatch_uid="warmup.worker")
def warm_up_worker_process(**_) -> None:
    """Each pool process loads what its tasks use (the geoip data scoring reads) after the fork (apps.core.warmup)."""
    from apps.core.warmup import WORKER, warm_up

    warm_up(WORKER)
