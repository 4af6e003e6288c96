from django.contrib import admin

from apps.reviews.models import Review, ReviewAnalysis


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("title", "rating", "product", "merchant", "customer", "created_at")
    list_filter = ("rating", "merchant")
    search_fields = ("title", "text", "external_id", "product__title")
    list_select_related = ("product", "merchant", "customer")
    raw_id_fields = ("merchant", "product", "customer")
    date_hierarchy = "created_at"


@admin.register(ReviewAnalysis)
class ReviewAnalysisAdmin(admin.ModelAdmin):
    """Read-only: analyses are written by the analysis service and replaced on re-analysis."""

    list_display = ("review", "sentiment", "score", "topic", "model_version", "analysed_at")
    list_filter = ("sentiment", "model_version")
    raw_id_fields = ("review",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
