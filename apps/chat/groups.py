"""Channel-layer group names and the events sent to them.

A shopper's sockets join their conversation's group only; agents join the inbox group, which
carries handed-over conversations of every merchant (support agents are platform staff).
"""
from __future__ import annotations

import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

INBOX_GROUP = "chat.inbox"


def conversation_group(conversation_id: int) -> str:
    return f"chat.c{conversation_id}"


async def broadcast(layer, *, conversation_id: int, event: dict, inbox: bool) -> None:
    """Send an event to the conversation's sockets and, once handed over, to the agents too.

    An event whose `origin` socket is the conversation's only socket (one shopper, one tab: the
    usual turn) skips the conversation's group: sending it would only bring it back to that
    socket to be dropped, at four Redis round trips to send and four to receive (bench/chat_turn.py
    measured 1.6-1.9 ms of a 4.2 ms turn's CPU). Finding that out costs one round trip.
    """
    group = conversation_group(conversation_id)
    if await _others_in(layer, group, event.get("origin", "")):
        await layer.group_send(group, event)
    if inbox:
        await layer.group_send(INBOX_GROUP, event)


async def _others_in(layer, group: str, channel: str) -> bool:
    """Whether `group` has a live member other than `channel` (True when the layer cannot tell).

    Reads channels-redis's group set (channel -> time added) as its group_send does, ignoring the
    members its group_send would discard as expired (added `group_expiry` seconds ago or more).
    """
    if not channel or not isinstance(layer, RedisChannelLayer):
        return True
    connection = layer.connection(layer.consistent_hash(group))
    live = await connection.zrangebyscore(layer._group_key(group), f"({int(time.time()) - layer.group_expiry}", "+inf")
    return any(member.decode() != channel for member in live)


def batch_event(payloads: list[dict], *, origin: str = "") -> dict:
    """Several events in one channel-layer message: a turn's shopper message and reply cost one
    group_send (one Redis round trip) per group instead of one each. `origin` is the channel of
    the socket that already sent them itself (its consumer skips this copy)."""
    event = {"type": "chat.batch", "payloads": payloads}
    if origin:
        event["origin"] = origin
    return event


def broadcast_sync(*, conversation_id: int, event: dict, inbox: bool) -> None:
    """The same from synchronous code (the HTTP fallback API)."""
    async_to_sync(broadcast)(get_channel_layer(), conversation_id=conversation_id, event=event, inbox=inbox)


def inbox_send_sync(event: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(INBOX_GROUP, event)
