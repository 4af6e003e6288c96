from django.contrib import admin

from apps.mlops.models import ModelVersion, TrainingRun


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
