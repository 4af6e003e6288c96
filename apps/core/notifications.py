"""Sending notifications to the websocket groups of `apps.core.consumers`, from sync code."""
from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.core.consumers import PLATFORM_GROUP, merchant_group


def notify(*, merchant_id: int | None, payload: dict) -> None:
    """Deliver `payload` to the merchant's staff and to platform staff."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "notify", "payload": payload}
    if merchant_id is not None:
        async_to_sync(layer.group_send)(merchant_group(merchant_id), message)
    async_to_sync(layer.group_send)(PLATFORM_GROUP, message)
