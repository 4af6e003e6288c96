"""The chat's own uses of Redis (run with REDIS_URL): a turn's broadcast skipping the conversation's
group when the sending socket is its only member, and the per-IP counter's single round trip."""
from __future__ import annotations

import time
import uuid

import pytest
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from apps.chat.groups import batch_event, broadcast, conversation_group
from apps.chat.ratelimit import ip_allow
from tests.conftest import require_service

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_layer():
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    from channels_redis.core import RedisChannelLayer

    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    return layer


def _conversation_id() -> int:
    return int(time.time_ns() % 10**12)


async def test_a_turn_of_the_conversations_only_socket_sends_nothing_through_the_layer(redis_layer):
    conversation_id = _conversation_id()
    sender = await redis_layer.new_channel()
    await redis_layer.group_add(conversation_group(conversation_id), sender)

    await broadcast(redis_layer, conversation_id=conversation_id, event=batch_event([{"n": 1}], origin=sender),
                    inbox=False)

    assert await redis_layer.connection(0).zcard(redis_layer.prefix + redis_layer.non_local_name(sender)) == 0
    await redis_layer.group_discard(conversation_group(conversation_id), sender)


async def test_a_turn_reaches_the_shoppers_other_tab_and_an_event_without_origin_everyone(redis_layer):
    conversation_id = _conversation_id()
    sender, other = await redis_layer.new_channel(), await redis_layer.new_channel()
    for channel in (sender, other):
        await redis_layer.group_add(conversation_group(conversation_id), channel)

    event = batch_event([{"n": 1}], origin=sender)
    await broadcast(redis_layer, conversation_id=conversation_id, event=event, inbox=False)
    assert await redis_layer.receive(other) == event
    assert await redis_layer.receive(sender) == event  # the consumer drops its own copy (origin)

    await broadcast(redis_layer, conversation_id=conversation_id, event=batch_event([{"n": 2}]), inbox=False)
    assert (await redis_layer.receive(other))["payloads"] == [{"n": 2}]
    for channel in (sender, other):
        await redis_layer.group_discard(conversation_group(conversation_id), channel)


def test_the_per_ip_limit_counts_on_redis_and_refuses_over_the_limit(settings, redis_layer):
    settings.CHAT_IP_MESSAGES_PER_MINUTE = 3
    ip = f"test-{uuid.uuid4().hex}"
    assert [ip_allow(ip) for _ in range(5)] == [True, True, True, False, False]
    key = f"chat:ip:{ip}:{int(time.time() // 60)}"
    assert cache.get(key) in (5, None)  # None only if the minute turned mid-test
