"""Orders, their items, and payment transactions (the rows fraud scoring reads)."""
from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from apps.core.models import MerchantOwnedModel
from apps.core.tenancy import merchant_path_queryset

order_number_validator = RegexValidator(r"^ORD-\d+$", "Order numbers look like ORD- followed by digits.")


class OrderStatus(models.TextChoices):
    PENDING = "pending"
    PAID = "paid"
    FULFILLED = "fulfilled"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


# Which status may follow which; anything else is refused by the order service.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


class Order(MerchantOwnedModel):
    number = models.CharField(max_length=32, unique=True, validators=[order_number_validator])
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    currency = models.CharField(max_length=3, default="USD")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    shipping = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    placed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["merchant", "-placed_at"], name="order_merchant_placed_idx"),
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def can_transition_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalog.Product", null=True, on_delete=models.SET_NULL, related_name="order_items")
    title = models.CharField(max_length=300, help_text="Product title at the time of the order.")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    customisation = models.JSONField(default=dict, blank=True, help_text="engraving text, print file, options")

    objects = merchant_path_queryset("order__merchant").as_manager()

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class Payment(MerchantOwnedModel):
    """One card payment attempt, as a payment gateway reports it."""

    transaction_id = models.CharField(max_length=64, unique=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="USD")
    card_fingerprint = models.CharField(max_length=64, db_index=True)
    device_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    merchant_category = models.CharField(max_length=64, blank=True)
    timestamp = models.DateTimeField(db_index=True)
    is_fraud = models.BooleanField(null=True, blank=True, help_text="Label: unknown until known.")
    label_source = models.CharField(max_length=32, blank=True, help_text="import, analyst, chargeback")

    class Meta:
        ordering = ["-timestamp"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_amount_non_negative"),
        ]
        indexes = [
            # velocity features: a customer's / card's / device's payments in a time window
            models.Index(fields=["customer", "timestamp"], name="payment_customer_ts_idx"),
            models.Index(fields=["card_fingerprint", "timestamp"], name="payment_card_ts_idx"),
            models.Index(fields=["device_id", "timestamp"], name="payment_device_ts_idx"),
            models.Index(fields=["merchant", "-timestamp"], name="payment_merchant_ts_idx"),
        ]

    def __str__(self) -> str:
        return self.transaction_id
