from django.contrib import admin

from apps.customers.models import Customer, MerchantCustomer


class MerchantLinkInline(admin.TabularInline):
    model = MerchantCustomer
    extra = 0
    raw_id_fields = ("merchant",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "email", "name", "country", "marketing_opt_in", "created_at")
    list_filter = ("country", "marketing_opt_in")
    search_fields = ("external_id", "email", "name")
    raw_id_fields = ("user",)
    date_hierarchy = "created_at"
    inlines = [MerchantLinkInline]


@admin.register(MerchantCustomer)
class MerchantCustomerAdmin(admin.ModelAdmin):
    list_display = ("merchant", "customer", "first_seen_at")
    list_filter = ("merchant",)
    search_fields = ("customer__external_id", "customer__email")
    raw_id_fields = ("merchant", "customer")
    list_select_related = ("merchant", "customer")
