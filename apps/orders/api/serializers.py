from rest_framework import serializers

from apps.core.api.fields import ExternalIdField, JSONObjectField, MoneyField, PlausibleDateTimeField
from apps.core.security_pii import PiiMaskingSerializerMixin
from apps.merchants.api.fields import WritableMerchantField
from apps.orders.models import Order, OrderItem, OrderStatus, Payment, order_number_validator
from apps.orders.services import OrderItemRow

CURRENCY = {"regex": r"^[A-Z]{3}$", "help_text": "ISO 4217 code, e.g. USD."}


class OrderItemOutputSerializer(serializers.ModelSerializer):
    product_id = serializers.CharField(source="product.external_id", default=None, allow_null=True)
    customisation = JSONObjectField()

    class Meta:
        model = OrderItem
        fields = ["product_id", "title", "quantity", "unit_price", "customisation"]


class OrderOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    customer_id = serializers.CharField(source="customer.external_id")
    items = OrderItemOutputSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "merchant",
            "customer_id",
            "status",
            "currency",
            "subtotal",
            "shipping",
            "tax",
            "total",
            "placed_at",
            "items",
            "created_at",
            "updated_at",
        ]


class OrderItemInputSerializer(serializers.Serializer):
    product_id = ExternalIdField()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    unit_price = MoneyField(max_digits=10)
    title = serializers.CharField(max_length=300, required=False, help_text="Defaults to the product's title.")
    customisation = JSONObjectField(required=False)

    def to_internal_value(self, data) -> OrderItemRow:
        values = super().to_internal_value(data)
        values["product_external_id"] = values.pop("product_id")
        return OrderItemRow(**values)


class OrderCreateInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32, validators=[order_number_validator])
    merchant = WritableMerchantField()
    customer_id = ExternalIdField(help_text="The customer's external id; unknown customers are created.")
    currency = serializers.RegexField(**CURRENCY, required=False)
    items = OrderItemInputSerializer(many=True, min_length=1, max_length=500)
    subtotal = MoneyField(help_text="Must equal the sum of quantity x unit_price.")
    shipping = MoneyField(required=False)
    tax = MoneyField(required=False)
    total = MoneyField(help_text="Must equal subtotal + shipping + tax.")
    placed_at = PlausibleDateTimeField(required=False)

    def to_internal_value(self, data) -> dict:
        values = super().to_internal_value(data)
        values["customer_external_id"] = values.pop("customer_id")
        return values


class OrderTransitionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)


class PaymentOutputSerializer(PiiMaskingSerializerMixin, serializers.ModelSerializer):
    pii_fields = {"card_fingerprint": "card", "ip_address": "ip"}
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    customer_id = serializers.CharField(source="customer.external_id")
    order = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "transaction_id",
            "merchant",
            "order",
            "customer_id",
            "amount",
            "currency",
            "card_fingerprint",
            "device_id",
            "ip_address",
            "country",
            "latitude",
            "longitude",
            "merchant_category",
            "timestamp",
            "is_fraud",
            "label_source",
            "created_at",
        ]


class PaymentCreateInputSerializer(serializers.Serializer):
    transaction_id = ExternalIdField()
    merchant = WritableMerchantField()
    order = serializers.CharField(
        max_length=32, validators=[order_number_validator], required=False, help_text="Order number, if known."
    )
    customer_id = ExternalIdField(help_text="The customer's external id; unknown customers are created.")
    amount = MoneyField()
    currency = serializers.RegexField(**CURRENCY, required=False)
    card_fingerprint = ExternalIdField()
    device_id = ExternalIdField(required=False)
    ip_address = serializers.IPAddressField(required=False, allow_null=True)
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False, help_text="ISO 3166-1 alpha-2.")
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    merchant_category = serializers.CharField(max_length=64, required=False, allow_blank=True)
    timestamp = PlausibleDateTimeField()

    def to_internal_value(self, data) -> dict:
        values = super().to_internal_value(data)
        values["customer_external_id"] = values.pop("customer_id")
        values["order_number"] = values.pop("order", "")
        return values
