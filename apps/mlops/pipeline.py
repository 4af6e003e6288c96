"""One training pipeline for every model: a registry of trainers and the run bookkeeping around them.

The management command (`manage.py train NAME`) and the Celery task (`mlops.train`) both call
`training_execute`, so a run started from the terminal and one started from the portal open,
report and finish a `TrainingRun` the same way. A trainer only computes; whatever it raises,
the run is finished (failed, with the reason) and never left "running".
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.db import transaction
from django.utils.module_loading import import_string

from apps.mlops.models import ModelVersion, TrainingRun
from apps.mlops.services import training_run_finish, training_run_progress, training_run_start

if TYPE_CHECKING:
    from apps.accounts.models import User

# Model name -> dotted path of its trainer. Dotted paths keep the registry free of imports of the
# apps that own the models (mlops must not depend on fraud), and load a trainer only when used.
TRAINERS: dict[str, str] = {
    # In training order (train_all). Bots before segments and recommendations: flagged bot sessions
    # are excluded from the events those read. Segments before recommendations, whose segment source reads them.
    "fraud": "apps.fraud.training.fraud_train",
    "bots": "apps.bots.training.bots_train",
    "segments": "apps.segments.training.segments_train",
    "recommendations": "apps.recommendations.training.recommendations_train",
    "sentiment": "apps.reviews.training.sentiment_train",
    "tagging": "apps.catalog.training.tagging_train",
    "chat_intents": "apps.chat.training.chat_intents_train",
    "alerts": "apps.alerts.training.alerts_train",  # retrained by its own staleness job (apps.alerts.apps)
    "scalping": "apps.abuse.training.scalping_train",
    "fair_price": "apps.pricing.training.fair_price_train",
}

# Model name -> when beat retrains it (CrontabSchedule fields, in TIME_ZONE). Created as
# django-celery-beat rows after migrate (apps.core.schedules), then editable in the admin.
TRAINING_SCHEDULES: dict[str, dict[str, str]] = {
    "fraud": {"minute": "30", "hour": "3", "day_of_week": "0"},  # weekly, Sunday 03:30
    "recommendations": {"minute": "15", "hour": "3"},  # nightly 03:15, after segments: new products, fresh trends
    "tagging": {"minute": "45", "hour": "4", "day_of_week": "1"},  # weekly, Monday 04:45: picks up tag decisions
    "segments": {"minute": "45", "hour": "2"},  # nightly 02:45, before the recommendations run
    "sentiment": {"minute": "50", "hour": "3", "day_of_week": "3"},  # weekly, Wednesday 03:50
    "bots": {"minute": "10", "hour": "2", "day_of_week": "6"},  # weekly, Saturday 02:10: traffic's shape drifts slowly
    "scalping": {"minute": "20", "hour": "4", "day_of_week": "2"},  # weekly, Tuesday 04:20: picks up case decisions
    "fair_price": {"minute": "30", "hour": "4"},  # nightly 04:30: new listings and yesterday's demand
}

ProgressReporter = Callable[[float, str], None]
"""report(progress in 0..1, message): updates the run's progress bar and log."""


class TrainingRefused(Exception):
    """The data cannot train a useful model (too few rows or labels, too short a span).

    The message is shown to people as is, so it says what is missing and how to get it.
    """


class UnknownModel(ValueError):
    pass


@dataclass(frozen=True)
class TrainingOptions:
    promote: bool = False
    """Promote even without a production model to beat (the first model), or one it does not beat."""
    since: datetime | None = None
    until: datetime | None = None
    actor: User | None = None


@dataclass(frozen=True)
class TrainingOutcome:
    version: ModelVersion
    promoted: bool
    promotion_reason: str
    summary: list[tuple[str, str]] = field(default_factory=list)
    """(label, value) rows for the command's summary table."""


class Trainer(Protocol):
    def __call__(self, *, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome: ...


def trainer_for(name: str) -> Trainer:
    try:
        return import_string(TRAINERS[name])
    except KeyError:
        raise UnknownModel(f"unknown model {name!r}; trainable models: {', '.join(sorted(TRAINERS))}") from None


def training_request(*, name: str, requested_by: User | None = None) -> TrainingRun:
    """Queue a training run of `name` on the Celery worker (inline when Celery is eager).

    Raises UnknownModel, or TrainingAlreadyRunning while another run of `name` is active. The
    task id is chosen here so the run records it before the task can start.
    """
    from apps.mlops.tasks import train_task  # the task module imports this one

    trainer_for(name)
    task_id = str(uuid.uuid4())
    run = training_run_start(name=name, requested_by=requested_by, task_id=task_id)
    # After commit: a worker must find the run row the task names.
    transaction.on_commit(lambda: train_task.apply_async(args=(name, run.pk), task_id=task_id))
    return run


def training_execute(
    *,
    run: TrainingRun,
    options: TrainingOptions,
    on_progress: ProgressReporter | None = None,
    keep_queued_on: tuple[type[BaseException], ...] = (),
) -> TrainingOutcome:
    """Train `run.name` and finish `run` with the registered version or the reason it failed.

    Exceptions listed in `keep_queued_on` (transient errors the caller will retry) put the run
    back to "queued" instead of failing it, so the retry continues the same run.
    `on_progress` also receives every progress report (the command's progress bar).
    """
    trainer = trainer_for(run.name)

    def report(progress: float, message: str) -> None:
        training_run_progress(run=run, progress=progress, message=message)
        if on_progress is not None:
            on_progress(progress, message)

    try:
        outcome = trainer(options=options, report=report)
    except keep_queued_on as exc:
        TrainingRun.objects.filter(pk=run.pk).update(
            status=TrainingRun.Status.QUEUED, message=f"retrying after: {_reason(exc)}"[:255]
        )
        raise
    except BaseException as exc:
        training_run_finish(run=run, error=_reason(exc))
        raise
    training_run_finish(run=run, version=outcome.version)
    return outcome


def training_start_and_execute(
    *, name: str, options: TrainingOptions, on_progress: ProgressReporter | None = None
) -> tuple[TrainingRun, TrainingOutcome]:
    """Open a run and train in this process (the management command's path)."""
    trainer_for(name)
    run = training_run_start(name=name, requested_by=options.actor)
    return run, training_execute(run=run, options=options, on_progress=on_progress)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TrainingRefused):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
