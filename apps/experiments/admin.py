"""Read-only views of experiments for platform admins: changes go through the services (audited)."""
from django.contrib import admin

from apps.experiments.models import Experiment, Exposure


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Experiment)
class ExperimentAdmin(ReadOnlyAdmin):
    list_display = ("key", "name", "surface", "merchant", "status", "started_at", "stopped_at")
    list_filter = ("status", "surface")
    search_fields = ("key", "name")
    list_select_related = ("merchant",)


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    list_display = ("id", "experiment", "arm", "unit_id", "merchant", "surface", "created_at")
    list_filter = ("surface",)
    search_fields = ("id", "unit_id")
    list_select_related = ("experiment", "merchant")
    show_full_result_count = False
