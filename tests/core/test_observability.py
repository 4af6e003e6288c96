"""Request ids on responses, log lines, Celery tasks and websocket frames; HTTP, task and socket metrics."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families
from pythonjsonlogger.json import JsonFormatter

from apps.core import observability
from apps.core.observability import (
    HEADER,
    RequestIdLogFilter,
    WebsocketRequestIdMiddleware,
    bind_request_id,
    current_request_id,
    unbind_request_id,
)

URLS = "tests.core.observability_urls"
ROOT = Path(__file__).resolve().parents[2]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdLogFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records():
    handler = _Records()
    logger = logging.getLogger("tests.observability")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def samples(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


# --- request ids -------------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=URLS)
def test_a_request_id_is_made_returned_and_on_the_log_lines(client, records, db):
    response = client.get("/logs")
    request_id = response[HEADER]
    assert len(request_id) == 32
    assert [r.request_id for r in records] == [request_id]
    assert client.get("/logs")[HEADER] != request_id


@override_settings(ROOT_URLCONF=URLS)
def test_the_clients_request_id_is_kept_when_valid(client, records, db):
    response = client.get("/logs", HTTP_X_REQUEST_ID="lb-7f3a.12:9")
    assert response[HEADER] == "lb-7f3a.12:9"
    assert records[-1].request_id == "lb-7f3a.12:9"


@pytest.mark.parametrize("sent", ["two words", "x" * 129, "line\nbreak", "<script>", "-leading-dash", ""])
@override_settings(ROOT_URLCONF=URLS)
def test_an_invalid_client_request_id_is_replaced(client, records, db, sent):
    response = client.get("/logs", HTTP_X_REQUEST_ID=sent)
    assert response[HEADER] != sent and len(response[HEADER]) == 32
    assert records[-1].request_id == response[HEADER]


def test_outside_a_request_log_lines_say_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    RequestIdLogFilter().filter(record)
    assert record.request_id == "-"


def test_the_json_log_format_prints_the_request_id():
    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["fmt"])
    record = logging.LogRecord("shop", logging.INFO, __file__, 1, "scored", None, None)
    token = bind_request_id("req-42")
    try:
        RequestIdLogFilter().filter(record)
    finally:
        unbind_request_id(token)
    assert json.loads(formatter.format(record))["request_id"] == "req-42"
    assert "request_id" in settings.LOGGING["handlers"]["console"]["filters"]


@shared_task(name="tests.observability.echo_request_id")
def echo_request_id() -> str | None:
    logging.getLogger("tests.observability").warning("in the task")
    return current_request_id()


def test_an_eager_task_runs_under_the_callers_request_id(records):
    token = bind_request_id("req-eager")
    try:
        assert echo_request_id.delay().get() == "req-eager"
    finally:
        unbind_request_id(token)
    assert records[-1].request_id == "req-eager"
    assert current_request_id() is None


def test_the_publish_header_carries_the_id_and_prerun_restores_it():
    headers: dict = {}
    token = bind_request_id("req-queued")
    try:
        observability.celery_publish_request_id(headers=headers)
    finally:
        unbind_request_id(token)
    assert headers == {"request_id": "req-queued"}

    class Task:
        class request:  # noqa: N801  (Celery's attribute name)
            request_id = "req-queued"

    observability.celery_bind_request_id(task_id="t-1", task=Task)
    assert current_request_id() == "req-queued"
    observability.celery_unbind_request_id(task_id="t-1")
    assert current_request_id() is None


def test_a_task_published_outside_a_request_uses_its_task_id():
    class Task:
        class request:  # noqa: N801
            pass

    observability.celery_bind_request_id(task_id="t-beat", task=Task)
    assert current_request_id() == "t-beat"
    observability.celery_unbind_request_id(task_id="t-beat")


class _EchoConsumer(AsyncJsonWebsocketConsumer):
    """Answers every frame with the id its handler and a database thread see."""

    async def connect(self):
        await self.accept()
        await self.send_json({"connect": current_request_id()})

    async def receive_json(self, content, **kwargs):
        in_thread = await database_sync_to_async(current_request_id)()
        await self.send_json({"handler": current_request_id(), "thread": in_thread})


@pytest.mark.django_db(transaction=True)
async def test_websocket_frames_get_the_connection_id_and_a_frame_number():
    app = WebsocketRequestIdMiddleware(_EchoConsumer.as_asgi())
    communicator = WebsocketCommunicator(app, "/ws/echo/", headers=[(b"x-request-id", b"ws-conn-1")])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"connect": "ws-conn-1"}
    await communicator.send_json_to({"n": 1})
    assert await communicator.receive_json_from() == {"handler": "ws-conn-1.1", "thread": "ws-conn-1.1"}
    await communicator.send_json_to({"n": 2})
    assert await communicator.receive_json_from() == {"handler": "ws-conn-1.2", "thread": "ws-conn-1.2"}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_websocket_connections_without_an_id_get_a_fresh_one():
    app = WebsocketRequestIdMiddleware(_EchoConsumer.as_asgi())
    ids = []
    for _ in range(2):
        communicator = WebsocketCommunicator(app, "/ws/echo/", headers=[(b"x-request-id", b"bad id")])
        await communicator.connect()
        ids.append((await communicator.receive_json_from())["connect"])
        await communicator.disconnect()
    assert ids[0] != ids[1] and all(len(i) == 32 for i in ids)


# --- metrics -----------------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=URLS)
def test_http_requests_are_counted_by_route_name_not_path(client, db):
    before = samples(client)
    client.get("/items/1")
    client.get("/items/2")
    client.get("/no/such/page")
    after = samples(client)
    key = ("http_requests_total", (("method", "GET"), ("route", "obs-item"), ("status", "200")))
    assert after[key] - before.get(key, 0) == 2
    unmatched = ("http_requests_total", (("method", "GET"), ("route", "<unmatched>"), ("status", "404")))
    assert after[unmatched] - before.get(unmatched, 0) == 1
    assert not any("/items/1" in str(labels) for _, labels in after)
    latency = ("http_request_duration_seconds_count", (("method", "GET"), ("route", "obs-item")))
    assert after[latency] - before.get(latency, 0) == 2


def test_celery_tasks_are_timed_and_counted_by_outcome(client, db):
    before = samples(client)
    echo_request_id.delay().get()
    after = samples(client)
    key = ("celery_tasks_total", (("outcome", "SUCCESS"), ("task", "tests.observability.echo_request_id")))
    assert after[key] - before.get(key, 0) == 1
    timing = ("celery_task_duration_seconds_count", (("task", "tests.observability.echo_request_id"),))
    assert after[timing] - before.get(timing, 0) == 1


def test_queue_lengths_are_read_from_redis_on_scrape(client, db):
    if not settings.REDIS_URL:
        pytest.skip("queue lengths are Redis list lengths (set REDIS_URL)")
    import redis

    queue = "obs-test-queue"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(queue)
    broker.rpush(queue, "a", "b", "c")
    try:
        with override_settings(CELERY_TASK_ROUTES={**settings.CELERY_TASK_ROUTES, "x.y": {"queue": queue}}):
            values = samples(client)
    finally:
        broker.delete(queue)
    assert values[("celery_queue_length", (("queue", queue),))] == 3
    assert ("celery_queue_length", (("queue", "training"),)) in values
    assert values[("celery_broker_up", ())] == 1


def test_an_unreachable_broker_reports_broker_down(client, db):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        values = samples(client)
    assert values[("celery_broker_up", ())] == 0


@pytest.mark.django_db(transaction=True)
async def test_open_websockets_are_gauged(staff_a):
    from asgiref.sync import sync_to_async

    from config.asgi import application

    def cookie() -> str:
        browser = Client()
        browser.force_login(staff_a)
        return browser.cookies["sessionid"].value

    def gauge() -> float:
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(Client().get("/metrics").content.decode())
            for s in f.samples
        }.get(("websocket_connections", (("route", "/ws/notifications/"),)), 0.0)

    session = await sync_to_async(cookie)()
    start = await sync_to_async(gauge)()
    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", f"sessionid={session}".encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await sync_to_async(gauge)() == start + 1
    await communicator.disconnect()
    assert await sync_to_async(gauge)() == start


def test_the_metrics_token_still_guards_the_endpoint(client, db):
    with override_settings(METRICS_TOKEN="s3cret"):
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


def _run(code: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_multiprocess_mode_sums_the_processes_counters(tmp_path):
    """Two processes (uvicorn workers) count requests; a third answers the scrape with their sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    count = (
        "from apps.core.observability_metrics import HTTP_REQUESTS, WEBSOCKETS\n"
        "HTTP_REQUESTS.labels(route='r', method='GET', status='200').inc({n})\n"
    )
    _run(count.format(n=2), env)
    _run(count.format(n=3), env)
    exposition = _run("from apps.core.observability_metrics import metrics_exposition\nprint(metrics_exposition().decode())", env)
    values = {
        (s.name, tuple(sorted(s.labels.items()))): s.value for f in text_string_to_metric_families(exposition) for s in f.samples
    }
    assert values[("http_requests_total", (("method", "GET"), ("route", "r"), ("status", "200")))] == 5
    assert sum(1 for name, _ in values if name == "http_requests_total") == 1
