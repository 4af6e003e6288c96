"""Live notifications to portal users (task progress, new review cases), one group per merchant.

Group names carry the tenant, so a message sent to merchant A's group can never reach B's staff.
"""
from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.core.tenancy import merchant_ids_for_user

PLATFORM_GROUP = "notify.platform"


def merchant_group(merchant_id: int) -> str:
    return f"notify.m{merchant_id}"


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        ids = await database_sync_to_async(merchant_ids_for_user)(user)
        self.groups_joined = [PLATFORM_GROUP] if ids is None else [merchant_group(i) for i in ids]
        if not self.groups_joined:
            await self.close(code=4403)
            return
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Clients only listen; a ping keeps proxies from closing idle sockets.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def notify(self, event):
        await self.send_json(event["payload"])
