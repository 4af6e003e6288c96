from django.contrib import admin

from apps.alerts.models import AlertPreference, AlertPreferenceLog


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):
    list_display = ("customer", "alert_type", "enabled", "monthly_limit", "updated_at")
    list_filter = ("alert_type", "enabled")
    search_fields = ("customer__external_id", "customer__email")
    raw_id_fields = ("customer",)


@admin.register(AlertPreferenceLog)
class AlertPreferenceLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "alert_type", "action", "source", "actor")
    list_filter = ("alert_type", "action", "source")
    search_fields = ("customer__external_id", "customer__email")
    raw_id_fields = ("customer", "actor")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log is a record of what happened
