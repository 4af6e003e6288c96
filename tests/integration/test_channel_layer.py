"""A real channels-redis layer round trip, and the notification consumer over the full ASGI stack."""
import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from apps.core.consumers import merchant_group
from apps.core.notifications import notify
from config.asgi import application

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
async def test_redis_channel_layer_round_trip(redis_required):
    from channels_redis.core import RedisChannelLayer

    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    channel = await layer.new_channel()
    await layer.group_add("it.roundtrip", channel)
    await layer.group_send("it.roundtrip", {"type": "hello", "n": 42})
    message = await layer.receive(channel)
    assert message == {"type": "hello", "n": 42}
    await layer.group_discard("it.roundtrip", channel)


@pytest.mark.django_db(transaction=True)
async def test_a_socket_idle_longer_than_the_layers_blocking_read_keeps_receiving(redis_required):
    """channels-redis waits for messages with 5-second blocking reads; with redis-py's default 5-second
    socket timeout a shopper idle that long lost the socket (config/settings/base.py)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()

    async def send_later() -> None:
        await asyncio.sleep(6.5)
        await layer.send(channel, {"type": "late"})

    sender = asyncio.create_task(send_later())
    assert await asyncio.wait_for(layer.receive(channel), timeout=20) == {"type": "late"}
    await sender


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _connect(user):
    cookie = await sync_to_async(_session_cookie)(user)
    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
async def test_notifications_reach_only_the_merchants_staff(redis_required, staff_a, staff_b, merchant_a):
    comm_a, ok_a = await _connect(staff_a)
    comm_b, ok_b = await _connect(staff_b)
    assert ok_a and ok_b

    await sync_to_async(notify)(merchant_id=merchant_a.id, payload={"kind": "import", "done": 3})

    assert await comm_a.receive_json_from(timeout=3) == {"kind": "import", "done": 3}
    assert await comm_b.receive_nothing(timeout=0.5)
    await comm_a.disconnect()
    await comm_b.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_platform_staff_receive_every_merchants_notifications(redis_required, analyst, merchant_b):
    comm, ok = await _connect(analyst)
    assert ok
    await sync_to_async(notify)(merchant_id=merchant_b.id, payload={"kind": "case"})
    assert await comm.receive_json_from(timeout=3) == {"kind": "case"}
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_group_names_carry_the_tenant(merchant_a, merchant_b):
    assert merchant_group(merchant_a.id) != merchant_group(merchant_b.id)
