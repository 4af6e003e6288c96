from django.contrib import admin

from apps.orders.models import Order, OrderItem, Payment


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    raw_id_fields = ("product",)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("transaction_id", "amount", "currency", "timestamp", "is_fraud")
    readonly_fields = fields
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "merchant", "customer", "status", "total", "currency", "placed_at")
    list_filter = ("status", "merchant", "currency")
    search_fields = ("number", "customer__external_id", "customer__email")
    list_select_related = ("merchant", "customer")
    raw_id_fields = ("merchant", "customer")
    date_hierarchy = "placed_at"
    inlines = [OrderItemInline, PaymentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "transaction_id", "merchant", "customer", "amount", "currency", "country", "timestamp", "is_fraud", "label_source"
    )
    list_filter = ("is_fraud", "label_source", "merchant", "merchant_category", "country")
    search_fields = ("transaction_id", "card_fingerprint", "device_id", "ip_address", "customer__external_id")
    list_select_related = ("merchant", "customer")
    raw_id_fields = ("merchant", "customer", "order")
    date_hierarchy = "timestamp"
