"""Consumer authorisation on the default (in-memory or Redis) layer: who may connect."""
import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from apps.core.consumers import NotificationConsumer


async def _connect(user):
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.django_db(transaction=True)
async def test_anonymous_is_refused():
    _, connected, code = await _connect(AnonymousUser())
    assert not connected and code == 4401


@pytest.mark.django_db(transaction=True)
async def test_customer_without_merchants_is_refused(customer_user):
    _, connected, code = await _connect(customer_user)
    assert not connected and code == 4403


@pytest.mark.django_db(transaction=True)
async def test_member_connects_and_pings(staff_a):
    communicator, connected, _ = await _connect(staff_a)
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


def test_cross_origin_websocket_is_rejected():
    """AllowedHostsOriginValidator closes sockets from origins outside ALLOWED_HOSTS."""
    import asyncio

    from config.asgi import application

    async def attempt():
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"origin", b"http://evil.example")])
        connected, _ = await communicator.connect()
        return connected

    assert asyncio.run(attempt()) is False
