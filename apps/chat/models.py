"""Conversations between shoppers, the bot and support agents; the FAQ the bot answers from.

Every message is written here before anything answers it, so a restarted worker loses nothing:
the transcript in PostgreSQL is the conversation.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from apps.core.models import MerchantOwnedModel
from apps.core.tenancy import MerchantScopedQuerySet, merchant_path_queryset


class Conversation(MerchantOwnedModel):
    class Status(models.TextChoices):
        BOT = "bot", "With the bot"
        WAITING = "waiting", "Waiting for an agent"
        AGENT = "agent", "With an agent"
        CLOSED = "closed", "Closed"

    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="conversations")
    visitor_id = models.CharField(max_length=64, blank=True, db_index=True,
                                  help_text="Anonymous shopper's id (signed in the widget's storage).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOT, db_index=True)
    state = models.JSONField(default=dict, blank=True, help_text="The bot's dialogue state between turns.")
    last_intent = models.CharField(max_length=32, blank=True)
    handoff_reason = models.CharField(max_length=32, blank=True)
    handoff_at = models.DateTimeField(null=True, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="chat_conversations")
    first_agent_reply_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    csat = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Shopper's rating, 1-5, after closing.")
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["merchant", "customer", "status"], name="chat_conv_customer_idx"),
            models.Index(fields=["merchant", "visitor_id", "status"], name="chat_conv_visitor_idx"),
            models.Index(fields=["status", "-last_message_at"], name="chat_conv_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk} ({self.get_status_display()})"

    @property
    def handed_off(self) -> bool:
        return self.handoff_at is not None


class Message(models.Model):
    class Sender(models.TextChoices):
        SHOPPER = "shopper"
        BOT = "bot"
        AGENT = "agent"
        SYSTEM = "system"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    text = models.TextField()
    client_id = models.CharField(
        max_length=64, blank=True,
        help_text="The widget's id for a shopper message: a resend after a reconnect is not stored twice.")
    intent = models.CharField(max_length=32, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    understood = models.BooleanField(null=True, blank=True, help_text="Shopper messages: whether the bot could answer.")
    quick_replies = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = merchant_path_queryset("conversation__merchant").as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "client_id"], condition=~models.Q(client_id=""),
                                    name="chat_message_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:40]}"


class FaqEntryQuerySet(MerchantScopedQuerySet):
    def for_merchants(self, merchant_ids):
        return self.filter(merchant_id__in=merchant_ids)

    def for_storefront(self, merchant_id: int):
        """What the bot answers from on a merchant's storefront: its own entries and the platform's."""
        return self.filter(models.Q(merchant_id=merchant_id) | models.Q(merchant__isnull=True), active=True)


class FaqEntry(models.Model):
    """A question and answer; merchant=None is a platform-wide default every storefront uses."""

    TOPICS = [
        ("", "General"),
        ("shipping_info", "Shipping"),
        ("returns_refunds", "Returns and refunds"),
        ("customization_help", "Customisation"),
        ("faq", "Orders and account"),
        ("product_info", "Products"),
    ]

    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="faq_entries")
    topic = models.CharField(max_length=32, choices=TOPICS, blank=True)
    question = models.CharField(max_length=300)
    phrasings = models.TextField(blank=True, help_text="Other ways shoppers ask it, one per line.")
    answer = models.TextField()
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FaqEntryQuerySet.as_manager()

    class Meta:
        ordering = ["merchant_id", "topic", "question"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question

    def phrasing_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.phrasings.splitlines() if line.strip())


class CannedResponse(models.Model):
    """A reply agents insert with one click (editable in the admin)."""

    title = models.CharField(max_length=100, unique=True)
    text = models.TextField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class WidgetSettings(models.Model):
    """A merchant's chat widget: the storefront origins whose pages may open its chat.

    Empty: only ShopSignal's own site (the demo storefront) may. Checked on the websocket
    handshake and on the HTTP fallback (apps.chat.origins).
    """

    merchant = models.OneToOneField("merchants.Merchant", on_delete=models.CASCADE, primary_key=True,
                                    related_name="chat_widget")
    allowed_origins = models.JSONField(
        default=list, blank=True, help_text="Storefront origins (scheme://host[:port]) allowed to embed the chat widget.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "chat widget settings"
        verbose_name_plural = "chat widget settings"

    def __str__(self) -> str:
        return f"Chat widget of {self.merchant_id}"

    def clean(self) -> None:
        """The admin's edits are normalised as the API's are, so what is stored matches what browsers send."""
        from apps.chat.origins import InvalidOrigin, origins_normalise

        if not isinstance(self.allowed_origins, list) or not all(isinstance(o, str) for o in self.allowed_origins):
            raise ValidationError({"allowed_origins": "A list of origins like [\"https://shop.example.com\"]."})
        try:
            self.allowed_origins = origins_normalise(self.allowed_origins)
        except InvalidOrigin as exc:
            raise ValidationError({"allowed_origins": str(exc)}) from exc
