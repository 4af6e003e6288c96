from django.contrib import admin

from apps.merchants.models import Membership, Merchant


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "external_id", "created_at")
    search_fields = ("name", "slug", "external_id")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "merchant", "role", "created_at")
    list_filter = ("role", "merchant")
    search_fields = ("user__username", "merchant__name")
    raw_id_fields = ("user", "merchant")
