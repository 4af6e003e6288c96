from django.contrib import admin

from apps.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("external_id", "type", "merchant", "customer", "product", "session_id", "value", "timestamp")
    list_filter = ("type", "merchant")
    search_fields = ("external_id", "session_id", "query", "customer__external_id", "product__external_id")
    list_select_related = ("merchant", "customer", "product")
    raw_id_fields = ("merchant", "customer", "product")
    date_hierarchy = "timestamp"
    # The events table is the largest; counting it for the paginator is not worth a full scan.
    show_full_result_count = False
