from django.contrib import admin

from apps.abuse.models import Ring, RingMember, ScalpingFlag


@admin.register(ScalpingFlag)
class ScalpingFlagAdmin(admin.ModelAdmin):
    list_display = ("detected_at", "merchant", "product", "accounts", "units", "score", "source")
    list_filter = ("source", "merchant")
    search_fields = ("product__external_id", "product__title", "key")
    raw_id_fields = ("product", "customers", "payments", "model_version")


class RingMemberInline(admin.TabularInline):
    model = RingMember
    raw_id_fields = ("customer",)
    extra = 0


@admin.register(Ring)
class RingAdmin(admin.ModelAdmin):
    list_display = ("last_seen_at", "merchant", "buyers", "score", "active")
    list_filter = ("active", "merchant")
    search_fields = ("key",)
    inlines = [RingMemberInline]


@admin.register(RingMember)
class RingMemberAdmin(admin.ModelAdmin):
    list_display = ("ring", "kind", "value", "customer")
    list_filter = ("kind",)
    search_fields = ("value", "customer__external_id")
    raw_id_fields = ("ring", "customer")
