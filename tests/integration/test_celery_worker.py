"""A real Celery worker consuming from Redis runs a task that reaches websockets through Redis."""
import pytest
from asgiref.sync import async_to_sync
from celery.contrib.testing.worker import start_worker
from channels.layers import get_channel_layer

from apps.core.consumers import merchant_group
from apps.core.tasks import notify_task
from config.celery import app

pytestmark = pytest.mark.integration


@pytest.fixture
def celery_worker(redis_required):
    """A worker thread in this process, consuming the real Redis broker (not eager)."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_worker_runs_task_and_delivers_notification(celery_worker, merchant_a):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(merchant_group(merchant_a.id), channel)

    result = notify_task.delay(merchant_a.id, {"kind": "training", "progress": 0.5})

    assert result.get(timeout=20) == {"kind": "training", "progress": 0.5}
    assert result.status == "SUCCESS"
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "notify", "payload": {"kind": "training", "progress": 0.5}}
