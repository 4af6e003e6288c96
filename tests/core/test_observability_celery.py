"""A real Celery worker consuming the real Redis broker runs a task under the id of the request that queued it."""
import pytest
from celery.contrib.testing.worker import start_worker

from apps.core.observability import bind_request_id, unbind_request_id
from config.celery import app
from tests.conftest import require_service
from tests.core.test_observability import echo_request_id
from tests.integration.conftest import _redis_up

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker():
    """A worker thread in this process, consuming the real Redis broker (not eager), as tests/integration does."""
    require_service(_redis_up(), "Redis (REDIS_URL)")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


def test_a_worker_task_carries_the_publishers_request_id(celery_worker):
    token = bind_request_id("req-from-http")
    try:
        result = echo_request_id.delay()
    finally:
        unbind_request_id(token)
    assert result.get(timeout=20) == "req-from-http"


def test_a_task_queued_outside_a_request_runs_under_its_task_id(celery_worker):
    result = app.send_task("tests.observability.echo_request_id")
    assert result.get(timeout=20) == result.id
