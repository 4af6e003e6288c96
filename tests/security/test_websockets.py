"""Websockets (apps/chat and apps/core consumers): a page on another origin cannot open them, and
anonymous visitors or the wrong role cannot join the staff sockets."""
from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from apps.chat.consumers import AgentInboxConsumer
from apps.core.consumers import NotificationConsumer

pytestmark = pytest.mark.django_db(transaction=True)

EVIL = (b"origin", b"https://evil.example")
OWN = (b"origin", b"http://testserver")


async def _through_the_site(path: str, origin: tuple[bytes, bytes]) -> tuple[bool, int | None]:
    from config.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=[origin])
    connected, code = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected, code


@pytest.mark.parametrize("path", ["/ws/notifications/", "/ws/chat/inbox/", "/ws/chat/?merchant=mugs-more&visitor=v-1"])
async def test_another_origin_is_refused(path, merchant_a):
    connected, _ = await _through_the_site(path, EVIL)
    assert connected is False


@pytest.mark.parametrize("path", ["/ws/notifications/", "/ws/chat/inbox/"])
async def test_anonymous_is_refused_on_staff_sockets_even_from_our_origin(path):
    connected, code = await _through_the_site(path, OWN)
    assert connected is False and code == 4401


async def test_shopper_socket_opens_from_our_own_site(merchant_a):
    connected, _ = await _through_the_site("/ws/chat/?merchant=mugs-more&visitor=v-1", OWN)
    assert connected is True


async def _as(consumer, path: str, user) -> tuple[bool, int | None]:
    communicator = WebsocketCommunicator(consumer.as_asgi(), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected, code


@pytest.mark.parametrize("fixture", ["customer_user", "staff_a"])
async def test_agent_inbox_refuses_the_wrong_role(fixture, request):
    from asgiref.sync import sync_to_async

    user = await sync_to_async(request.getfixturevalue)(fixture)
    connected, code = await _as(AgentInboxConsumer, "/ws/chat/inbox/", user)
    assert connected is False and code == 4403


async def test_agent_inbox_admits_agents(agent):
    connected, _ = await _as(AgentInboxConsumer, "/ws/chat/inbox/", agent)
    assert connected is True


async def test_notifications_refuse_anonymous():
    connected, code = await _as(NotificationConsumer, "/ws/notifications/", AnonymousUser())
    assert connected is False and code == 4401
