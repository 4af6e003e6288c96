from django.contrib import admin

from apps.segments.models import CustomerSegment, Segment, SegmentationRun


@admin.register(SegmentationRun)
class SegmentationRunAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "status", "method", "customers", "created_at")
    list_filter = ("status", "merchant")
    readonly_fields = ("params", "metrics", "clv", "training_run", "model_version")


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "run", "key", "size")
    list_select_related = ("run", "run__merchant")
    search_fields = ("name",)


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(admin.ModelAdmin):
    list_display = ("customer", "run", "segment", "rfm_group", "p_alive", "dynamic")
    list_filter = ("rfm_group", "dynamic")
    raw_id_fields = ("customer", "run", "segment")
    list_select_related = ("customer", "segment")
