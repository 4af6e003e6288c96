"""API v1 routes of the chat."""
from django.urls import path

from apps.chat.api.views import ChatMessagesView, ChatTokenView
from apps.chat.api.widget import WidgetSettingsView

urlpatterns = [
    path("chat/token", ChatTokenView.as_view(), name="chat-token"),
    path("chat/messages", ChatMessagesView.as_view(), name="chat-messages"),
    path("chat/widget/<slug:slug>", WidgetSettingsView.as_view(), name="chat-widget-settings"),
]
