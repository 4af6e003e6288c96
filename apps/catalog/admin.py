from django.contrib import admin

from apps.catalog.models import Category, Product, Tag, TagSuggestionDecision


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("path", "depth")
    search_fields = ("path", "name")
    list_filter = ("depth",)
    readonly_fields = ("path", "slug", "depth")
    raw_id_fields = ("parent",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("title", "external_id", "merchant", "category", "price", "currency", "stock", "active", "customisable")
    list_filter = ("active", "customisable", "merchant", "category__depth", "currency")
    search_fields = ("title", "external_id", "description")
    list_select_related = ("merchant", "category")
    raw_id_fields = ("merchant", "category")
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"


@admin.register(TagSuggestionDecision)
class TagSuggestionDecisionAdmin(admin.ModelAdmin):
    list_display = ("product", "family", "value", "accepted", "confidence", "user", "created_at")
    list_filter = ("family", "accepted")
    search_fields = ("value", "product__external_id")
    raw_id_fields = ("product", "user")
