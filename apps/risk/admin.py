from django.contrib import admin

from apps.risk.models import RiskScore


@admin.register(RiskScore)
class RiskScoreAdmin(admin.ModelAdmin):
    list_display = ("subject", "merchant", "customer", "score", "band", "computed_at")
    list_filter = ("subject", "band", "merchant")
    search_fields = ("customer__external_id", "merchant__slug")
    raw_id_fields = ("customer",)
    readonly_fields = ("computed_at",)
