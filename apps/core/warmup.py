"""Process warm-up: the one-off costs of a serving process paid at start-up, not by its first request.

A web process (config/asgi.py, once the application is built) calls `warm_up("web")`; a Celery
pool process (config/celery.py, `worker_process_init`, after the fork) calls `warm_up("worker")`.
Not AppConfig.ready: tests, migrations and management commands that never serve would pay for
data they do not use. Apps register their warmers in their AppConfig.ready with
`warmup_register`. Everything a warmer loads is also loaded lazily on first use, so a warmer that
fails is logged and skipped, and a process that never warms up (an eager Celery task in a test,
a management command) still works, its first use paying the cost instead.
"""
from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import get_resolver

logger = logging.getLogger(__name__)

WEB = "web"
WORKER = "worker"


@dataclass(frozen=True)
class Warmer:
    name: str
    load: Callable[[], object]
    roles: frozenset[str]


WARMERS: dict[str, Warmer] = {}


def warmup_register(name: str, load: Callable[[], object], *, roles: Iterable[str] = (WEB, WORKER)) -> None:
    """Declare `load` as part of the warm-up of processes of `roles` (idempotent per name)."""
    WARMERS[name] = Warmer(name=name, load=load, roles=frozenset(roles))


def warm_up(role: str) -> dict[str, float]:
    """Run every warmer of `role`, in registration order; returns the seconds each took (failed ones left out)."""
    took: dict[str, float] = {}
    for warmer in [w for w in WARMERS.values() if role in w.roles]:
        started = time.perf_counter()
        try:
            warmer.load()
        except Exception:  # start-up must not fail on it: the first use loads it lazily instead
            logger.exception("warm-up %s failed; it will be loaded on first use", warmer.name)
            continue
        took[warmer.name] = round(time.perf_counter() - started, 3)
    # What start-up loaded (modules, models, indexes) lives as long as the process: moved out of the
    # collector's generations, a full collection no longer walks it (100 ms per collection in a
    # scoring worker, paid by whichever request triggered it).
    gc.collect()
    gc.freeze()
    logger.info("%s process warmed up: %s", role, took)
    return took


def url_resolvers_warm() -> None:
    """Import the URLconf (every view module) and build the reverse tables of every namespace.

    Django does both on the first request that resolves or reverses a URL; on the demo that was
    most of a cold first page (the /bots/ page's first view, docs/bots.md).
    """
    pending = [get_resolver()]
    while pending:
        resolver = pending.pop()
        resolver.reverse_dict  # noqa: B018  (the property builds the tables)
        pending.extend(sub for _, sub in resolver.namespace_dict.values())
