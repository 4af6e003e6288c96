from django.contrib import admin

from apps.pricing.models import PriceSuggestion


@admin.register(PriceSuggestion)
class PriceSuggestionAdmin(admin.ModelAdmin):
    list_display = ("product", "low", "mid", "high", "source", "model_version", "computed_at")
    list_filter = ("source",)
    search_fields = ("product__external_id", "product__title")
    raw_id_fields = ("product", "model_version")
