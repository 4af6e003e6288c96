"""Prometheus metrics of every service: HTTP requests, Celery tasks, queue lengths, websockets.

Served with the apps' own metrics (fraud scoring, model registry) at /metrics. Under uvicorn
with several workers, or a prefork Celery worker, each process counts on its own: set
PROMETHEUS_MULTIPROC_DIR (an empty directory, cleared before the processes start) and every
process writes its counters to files there that the scrape sums (prometheus_client's
multiprocess mode, docs/operations.md). Values computed at scrape time (queue lengths, model
quality) are read by the process that answers the scrape.
"""
from __future__ import annotations

import atexit
import hmac
import os
import time
from collections.abc import Iterable, Iterator

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
UNMATCHED_ROUTE = "<unmatched>"

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by route name (not raw path), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_RUNS = Counter("celery_tasks_total", "Celery tasks finished, by task name and outcome (Celery state).", ["task", "outcome"])
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Run time of Celery tasks, by task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0, 7200.0),
)
WEBSOCKETS = Gauge(
    "websocket_connections", "Open (accepted) websocket connections, by route.", ["route"], multiprocess_mode="livesum"
)


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name (or the pattern when unnamed), so ids in paths never become labels."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return match.view_name or match.route or UNMATCHED_ROUTE


class HttpMetricsMiddleware:
    """Counts and times every request by route name, method and status; sync and async capable."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    @staticmethod
    def _observe(request: HttpRequest, response: HttpResponse, started: float) -> None:
        route = route_of(request)
        HTTP_REQUESTS.labels(route=route, method=request.method, status=str(response.status_code)).inc()
        HTTP_LATENCY.labels(route=route, method=request.method).observe(time.perf_counter() - started)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.perf_counter()
        response = self.get_response(request)
        self._observe(request, response, started)
        return response

    async def __acall__(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        self._observe(request, response, started)
        return response


# --- Celery -----------------------------------------------------------------------------------

_task_started: dict[str, float] = {}


def celery_task_started(task_id: str | None = None, **_) -> None:
    """`task_prerun`."""
    if task_id:
        _task_started[task_id] = time.perf_counter()


def celery_task_finished(task_id: str | None = None, task=None, state: str | None = None, **_) -> None:
    """`task_postrun`: duration and outcome (SUCCESS, FAILURE, RETRY, ...) per task name."""
    started = _task_started.pop(task_id, None) if task_id else None
    name = getattr(task, "name", None) or "unknown"
    TASK_RUNS.labels(task=name, outcome=state or "UNKNOWN").inc()
    if started is not None:
        TASK_DURATION.labels(task=name).observe(time.perf_counter() - started)


# --- websockets -------------------------------------------------------------------------------


class WebsocketMetricsMiddleware:
    """ASGI middleware: the open-connections gauge goes up on accept and down when the socket ends."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "websocket":
            return await self.app(scope, receive, send)
        gauge = None  # labelled on accept only: a refused socket to a made-up path adds no series

        async def counting_send(message):
            nonlocal gauge
            if message.get("type") == "websocket.accept" and gauge is None:
                gauge = WEBSOCKETS.labels(route=scope.get("path", ""))
                gauge.inc()
            await send(message)

        try:
            return await self.app(scope, receive, counting_send)
        finally:
            if gauge is not None:
                gauge.dec()


# --- scrape-time collectors and the view ----------------------------------------------------


def celery_queue_names() -> list[str]:
    """The default queue and every queue a route sends tasks to."""
    names = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    names |= {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    return sorted(names)


class CeleryQueueCollector(Collector):
    """Messages waiting in each Celery queue: the Redis list's length, read when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "celery_queue_length", "Messages waiting in a Celery queue (Redis list length).", labels=["queue"]
        )
        up = GaugeMetricFamily("celery_broker_up", "1 when the scrape could read the broker's queue lengths.")
        if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            return  # eager or in-memory broker: no queue to measure
        import redis

        names = celery_queue_names()
        try:
            client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
            pipe = client.pipeline(transaction=False)
            for name in names:
                pipe.llen(name)
            lengths = pipe.execute()
        except redis.RedisError:
            up.add_metric([], 0)
        else:
            for name, length in zip(names, lengths, strict=True):
                gauge.add_metric([name], length)
            up.add_metric([], 1)
            yield gauge
        yield up

    def describe(self) -> Iterable:
        return []


REGISTRY.register(CeleryQueueCollector())

if MULTIPROCESS:
    from prometheus_client import multiprocess

    # A worker that exits cleanly takes its live gauges (open websockets) with it.
    atexit.register(multiprocess.mark_process_dead, os.getpid())


class _ScrapeTimeMetrics(Collector):
    """The default registry minus the metrics the multiprocess files already hold (no double counting)."""

    def __init__(self, skip: set[str]) -> None:
        self.skip = skip

    def collect(self) -> Iterator:
        for family in REGISTRY.collect():
            if family.name not in self.skip:
                yield family

    def describe(self) -> Iterable:
        return []


def metrics_exposition() -> bytes:
    """Every metric, summed across processes in multiprocess mode."""
    if not MULTIPROCESS:
        return generate_latest(REGISTRY)
    from prometheus_client import multiprocess

    shared = CollectorRegistry()
    collector = multiprocess.MultiProcessCollector(shared)
    shared.register(_ScrapeTimeMetrics({family.name for family in collector.collect()}))
    return generate_latest(shared)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse("metrics need the bearer token\n", status=401, content_type="text/plain")
    return HttpResponse(metrics_exposition(), content_type=CONTENT_TYPE_LATEST)
