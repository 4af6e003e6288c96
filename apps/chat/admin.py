from django.contrib import admin

from apps.chat.models import CannedResponse, Conversation, FaqEntry, Message, WidgetSettings


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "merchant", "topic", "active", "updated_at")
    list_filter = ("topic", "active", "merchant")
    search_fields = ("question", "answer", "phrasings")


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "text")


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("created_at", "sender", "text", "intent", "confidence", "understood")
    readonly_fields = fields
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("pk", "merchant", "customer", "status", "last_intent", "agent", "csat", "last_message_at")
    list_filter = ("status", "merchant")
    readonly_fields = ("state",)
    inlines = [MessageInline]


@admin.register(WidgetSettings)
class WidgetSettingsAdmin(admin.ModelAdmin):
    list_display = ("merchant", "allowed_origins", "updated_at")
    raw_id_fields = ("merchant",)
