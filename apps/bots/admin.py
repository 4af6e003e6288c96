from django.contrib import admin

from apps.bots.models import BotSession


@admin.register(BotSession)
class BotSessionAdmin(admin.ModelAdmin):
    list_display = ("session_id", "merchant", "score", "method", "events", "started_at", "flagged_at")
    list_filter = ("method", "merchant")
    search_fields = ("session_id", "anonymous_id", "customer__external_id")
    raw_id_fields = ("customer", "model_version")
    readonly_fields = ("features", "reasons")
