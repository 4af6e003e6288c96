"""Input and output shapes of the chat API."""
from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from apps.core.api.fields import ExternalIdField


class TokenInputSerializer(serializers.Serializer):
    merchant = serializers.SlugField(help_text="Your storefront's merchant slug.")
    customer_id = ExternalIdField(help_text="The shopper's customer external id.")


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Pass to the widget as data-token; signed, expires.")
    expires_in = serializers.IntegerField(help_text="Seconds the token stays valid.")


class ShopperQuerySerializer(serializers.Serializer):
    merchant = serializers.SlugField(help_text="The storefront's merchant slug.")
    token = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                  help_text="Shopper token from POST /api/v1/chat/token.")
    visitor = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                    help_text="Signed anonymous visitor id the widget was given.")


class MessagesQuerySerializer(ShopperQuerySerializer):
    after = serializers.IntegerField(required=False, min_value=0, max_value=2**62, default=0,
                                     help_text="Only messages with a larger id (polling).")


class MessageInputSerializer(ShopperQuerySerializer):
    text = serializers.CharField(max_length=settings.CHAT_MESSAGE_MAX_CHARS, trim_whitespace=True)
    client_id = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                      help_text="The widget's id for this message; a resend is not stored twice.")


class ChatMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    sender = serializers.ChoiceField(choices=["shopper", "bot", "agent", "system"])
    text = serializers.CharField()
    agent = serializers.CharField()
    quick_replies = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    client_id = serializers.CharField()


class ConversationMessagesSerializer(serializers.Serializer):
    conversation = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["bot", "waiting", "agent", "closed"])
    visitor = serializers.CharField(help_text="Signed visitor id for anonymous shoppers (keep it); empty otherwise.")
    messages = ChatMessageSerializer(many=True)
