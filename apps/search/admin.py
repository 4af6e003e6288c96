from django.contrib import admin

from apps.search.models import QueryProductStat, SearchQueryLog, SearchQueryStat, SearchSynonym


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ("term", "synonyms", "merchant", "updated_at")
    list_filter = ("merchant",)
    search_fields = ("term",)
    raw_id_fields = ("merchant",)


@admin.register(SearchQueryLog)
class SearchQueryLogAdmin(admin.ModelAdmin):
    list_display = ("query", "results", "merchant", "created_at")
    list_filter = ("merchant",)
    search_fields = ("query",)
    date_hierarchy = "created_at"


@admin.register(SearchQueryStat)
class SearchQueryStatAdmin(admin.ModelAdmin):
    list_display = ("query", "merchant", "searches", "clicked", "purchased", "zero_result_searches", "result_count")
    list_filter = ("merchant",)
    search_fields = ("query",)


@admin.register(QueryProductStat)
class QueryProductStatAdmin(admin.ModelAdmin):
    list_display = ("query", "product", "merchant", "clicks", "add_to_carts", "purchases", "engagement")
    list_filter = ("merchant",)
    search_fields = ("query",)
    raw_id_fields = ("product", "merchant")
