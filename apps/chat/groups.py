"""Channel-layer group names and the events sent to them.

A shopper's sockets join their conversation's group only; agents join the inbox group, which
carries handed-over conversations of every merchant (support agents are platform staff).
"""
from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

INBOX_GROUP = "chat.inbox"


def conversation_group(conversation_id: int) -> str:
    return f"chat.c{conversation_id}"


async def broadcast(layer, *, conversation_id: int, event: dict, inbox: bool) -> None:
    """Send an event to the conversation's sockets and, once handed over, to the agents too."""
    await layer.group_send(conversation_group(conversation_id), event)
    if inbox:
        await layer.group_send(INBOX_GROUP, event)


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
