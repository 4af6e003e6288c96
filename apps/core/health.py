"""Dependency checks behind /health: database, Redis, Celery workers, models."""
from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

# Apps that serve models append a callable returning {model_name: {"status": ..., ...}}.
MODEL_STATUS_PROVIDERS: list[Callable[[], dict]] = []


def _timed(check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # a health check reports failures, it never raises them
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"configured": False, "note": "REDIS_URL unset: local-memory cache and in-memory channel layer"}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    client.ping()
    return {"configured": True}


def check_celery() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager", "workers": 0, "note": "tasks run in-process"}
    from config.celery import app

    replies = app.control.ping(timeout=0.5) or []
    workers = sorted(name for reply in replies for name in reply)
    return {"mode": "worker", "workers": len(workers), "names": workers}


def check_models() -> dict:
    models: dict = {}
    for provider in MODEL_STATUS_PROVIDERS:
        models.update(provider())
    return {"models": models}


def health_report() -> tuple[dict, int]:
    """The report and an HTTP status: 503 when the database or a configured Redis is down."""
    checks = {
        "database": _timed(check_database),
        "redis": _timed(check_redis),
        "celery": _timed(check_celery),
        "models": _timed(check_models),
    }
    critical_ok = checks["database"]["ok"] and checks["redis"]["ok"]
    celery = checks["celery"]
    degraded = not checks["models"]["ok"] or not celery["ok"] or (celery.get("mode") == "worker" and not celery.get("workers"))
    status = "down" if not critical_ok else ("degraded" if degraded else "ok")
    return {"status": status, "checks": checks}, (200 if critical_ok else 503)
