"""Websocket routes (Channels)."""
from django.urls import path

from apps.chat.consumers import AgentInboxConsumer, ShopperChatConsumer
from apps.core.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/chat/", ShopperChatConsumer.as_asgi()),
    path("ws/chat/inbox/", AgentInboxConsumer.as_asgi()),
]
