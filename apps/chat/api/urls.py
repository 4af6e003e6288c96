"""API v1 routes of the chat."""
from django.urls import path

from apps.chat.api.views import ChatMessagesView, ChatTokenView

urlpatterns = [
    path("chat/token", ChatTokenView.as_view(), name="chat-token"),
    path("chat/messages", ChatMessagesView.as_view(), name="chat-messages"),
]
