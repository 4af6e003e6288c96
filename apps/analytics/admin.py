from django.contrib import admin

from apps.analytics.models import KpiAnomaly, RollupRun


@admin.register(KpiAnomaly)
class KpiAnomalyAdmin(admin.ModelAdmin):
    list_display = ("day", "merchant", "kpi", "value", "expected", "direction")
    list_filter = ("kpi", "merchant")
    date_hierarchy = "day"


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    list_display = ("finished_at", "full", "merchants", "days")
