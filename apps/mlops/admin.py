from django.contrib import admin

from apps.mlops.models import Canary, ModelVersion, ServedPrediction, TrainingRun


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "stage", "created_at", "promoted_at", "data_start", "data_end")
    list_filter = ("name", "stage")
    search_fields = ("name", "checksum")
    readonly_fields = ("checksum", "artifact", "metrics", "features", "row_counts", "created_at")


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "progress", "message", "created_at", "finished_at")
    list_filter = ("name", "status")
    readonly_fields = ("log",)


@admin.register(Canary)
class CanaryAdmin(admin.ModelAdmin):
    """Read-only here: start, resize, stop and promote canaries on the Models page, where they are audited."""

    list_display = ("name", "version", "share", "started_at", "updated_at", "updated_by")
    readonly_fields = ("name", "version", "share", "started_at", "updated_at", "updated_by")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ServedPrediction)
class ServedPredictionAdmin(admin.ModelAdmin):
    list_display = ("model_version", "score", "decision", "latency_ms", "created_at")
    list_filter = ("decision",)
    readonly_fields = ("model_version", "score", "decision", "latency_ms", "created_at")
