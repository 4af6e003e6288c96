"""Dependency checks behind /ready (and `services_check`): database, Redis, channel layer, Celery, models.

/health is liveness only and calls none of these (apps.core.views.health).
"""
from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
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


CHANNEL_LAYER_TIMEOUT_SECONDS = 1.0


async def _channel_round_trip(layer) -> None:
    channel = await layer.new_channel()
    marker = uuid.uuid4().hex
    await layer.send(channel, {"type": "ready.check", "marker": marker})
    message = await layer.receive(channel)
    if message.get("marker") != marker:
        raise RuntimeError("channel layer returned another message")


def check_channel_layer() -> dict:
    """A message sent to a fresh channel comes back: websockets on other processes can be reached."""
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def bounded() -> None:
        await asyncio.wait_for(_channel_round_trip(layer), CHANNEL_LAYER_TIMEOUT_SECONDS)

    async_to_sync(bounded)()
    return {"backend": type(layer).__name__}


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


CRITICAL_CHECKS = ("database", "redis", "channel_layer")
"""Without these the process cannot serve; a missing Celery worker or model only degrades it."""


def readiness_report() -> tuple[dict, int]:
    """The report and an HTTP status: 503 when the database, a configured Redis or the channel layer is down."""
    checks = {
        "database": _timed(check_database),
        "redis": _timed(check_redis),
        "channel_layer": _timed(check_channel_layer),
        "celery": _timed(check_celery),
        "models": _timed(check_models),
    }
    critical_ok = all(checks[name]["ok"] for name in CRITICAL_CHECKS)
    celery = checks["celery"]
    degraded = not checks["models"]["ok"] or not celery["ok"] or (celery.get("mode") == "worker" and not celery.get("workers"))
    status = "down" if not critical_ok else ("degraded" if degraded else "ok")
    return {"status": status, "checks": checks}, (200 if critical_ok else 503)
