"""Behavioural events from storefronts: views, carts, checkouts, purchases, wishlists, searches."""
from django.db import models

from apps.core.tenancy import MerchantScopedQuerySet


class EventType(models.TextChoices):
    VIEW = "view"
    ADD_TO_CART = "add_to_cart"
    REMOVE_FROM_CART = "remove_from_cart"
    CHECKOUT = "checkout"
    PURCHASE = "purchase"
    WISHLIST = "wishlist"
    SEARCH = "search"
    # A recommendation list shown, and a click on one of its items (A/B attribution).
    IMPRESSION = "impression"
    CLICK = "click"


class Event(models.Model):
    """An event row. `merchant` is the storefront it happened on (null for marketplace-wide searches)."""

    external_id = models.CharField(max_length=64, unique=True)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    anonymous_id = models.CharField(max_length=64, blank=True)
    session_id = models.CharField(max_length=64, blank=True)
    type = models.CharField(max_length=20, choices=EventType.choices)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    query = models.CharField(max_length=300, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    timestamp = models.DateTimeField()
    properties = models.JSONField(default=dict, blank=True)
    # The id of the recommendation (or other experiment exposure) that led to this event, so
    # impressions, clicks and purchases are attributed to the variant that served them.
    recommendation_id = models.CharField(max_length=64, blank=True, default="", db_default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp"]
        indexes = [
            # dashboards and rollups: a time range, optionally per merchant
            models.Index(fields=["timestamp"], name="event_ts_idx"),
            models.Index(fields=["merchant", "timestamp"], name="event_merchant_ts_idx"),
            # a shopper's history (recommendations, session features)
            models.Index(fields=["customer", "timestamp"], name="event_customer_ts_idx"),
            models.Index(fields=["session_id"], name="event_session_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.external_id}"
