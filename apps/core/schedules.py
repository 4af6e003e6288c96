"""Periodic jobs as django-celery-beat rows, declared in code and editable in the admin.

An app declares its jobs with `periodic_job(...)` (in its AppConfig.ready); after every
`migrate` the missing ones are created. Existing rows are left alone, so a schedule an
operator changed or disabled in the admin stays as they left it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    """Unique and human-readable: it is the row's name in the admin."""
    task: str
    crontab: dict[str, str]
    """CrontabSchedule fields: minute, hour, day_of_week, day_of_month, month_of_year."""
    args: tuple = field(default_factory=tuple)


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic_job(name: str, task: str, *, args: tuple = (), **crontab: str) -> None:
    PERIODIC_JOBS[name] = PeriodicJob(name=name, task=task, crontab=crontab, args=args)


def periodic_jobs_sync(**_signal_kwargs) -> list[str]:
    """Create the beat rows of declared jobs that have none yet; returns the names created."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created: list[str] = []
    existing = set(PeriodicTask.objects.filter(name__in=PERIODIC_JOBS).values_list("name", flat=True))
    with transaction.atomic():
        for job in PERIODIC_JOBS.values():
            if job.name in existing:
                continue
            fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            schedule, _ = CrontabSchedule.objects.get_or_create(**(fields | job.crontab), timezone=settings.TIME_ZONE)
            PeriodicTask.objects.create(name=job.name, task=job.task, crontab=schedule, args=json.dumps(list(job.args)))
            created.append(job.name)
    return created
