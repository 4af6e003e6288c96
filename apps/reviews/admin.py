from django.contrib import admin

from apps.reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("title", "rating", "product", "merchant", "customer", "created_at")
    list_filter = ("rating", "merchant")
    search_fields = ("title", "text", "external_id", "product__title")
    list_select_related = ("product", "merchant", "customer")
    raw_id_fields = ("merchant", "product", "customer")
    date_hierarchy = "created_at"
