"""Output shapes of the pricing API (it takes no input besides query filters)."""
from __future__ import annotations

from rest_framework import serializers


class ModelErrorSerializer(serializers.Serializer):
    mae = serializers.FloatField(
        required=False, help_text="Cross-validated mean absolute error of the median, in the listings' currency."
    )
    mape = serializers.FloatField(
        required=False, help_text="Cross-validated mean absolute percentage error of the median (0.1 = 10%)."
    )
    coverage = serializers.FloatField(required=False, help_text="Share of held-out prices inside their suggested range.")
    coverage_target = serializers.FloatField(required=False)
    baseline_mape = serializers.FloatField(required=False, help_text="The category median's MAPE on the same held-out listings.")
    test_rows = serializers.IntegerField(required=False)


class FairPriceSerializer(serializers.Serializer):
    product_id = serializers.CharField(source="product.external_id")
    price = serializers.DecimalField(max_digits=10, decimal_places=2, source="product.price")
    currency = serializers.CharField(source="product.currency")
    available = serializers.BooleanField(help_text="False when no listing anywhere is priced: nothing to compare with.")
    low = serializers.DecimalField(max_digits=10, decimal_places=2, source="suggestion.low", allow_null=True, default=None)
    mid = serializers.DecimalField(max_digits=10, decimal_places=2, source="suggestion.mid", allow_null=True, default=None)
    high = serializers.DecimalField(max_digits=10, decimal_places=2, source="suggestion.high", allow_null=True, default=None)
    # Plain strings in the schema: "position" and "source" name other choice sets in other apps' components.
    position = serializers.CharField(allow_null=True, help_text="below, within or above the range (null: unavailable).")
    source = serializers.CharField(
        source="suggestion.source",
        allow_null=True,
        default=None,
        help_text="model: the fair price model's 80% range; category: the category's interquartile range (no model yet).",
    )
    model_version = serializers.IntegerField(source="suggestion.model_version.version", allow_null=True, default=None)
    category_level = serializers.CharField(source="suggestion.category_level", allow_null=True, default=None)
    comparables = serializers.IntegerField(source="suggestion.comparables", allow_null=True, default=None)
    computed_at = serializers.DateTimeField(source="suggestion.computed_at", allow_null=True, default=None)
    error = ModelErrorSerializer(help_text="The model's held-out figures; empty for the category fallback.")


class OutlierSerializer(serializers.Serializer):
    external_id = serializers.CharField(source="product.external_id")
    title = serializers.CharField(source="product.title")
    merchant = serializers.CharField(source="product.merchant.slug")
    category = serializers.CharField(source="product.category.path", allow_null=True, default=None)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, source="product.price")
    currency = serializers.CharField(source="product.currency")
    low = serializers.DecimalField(max_digits=10, decimal_places=2)
    mid = serializers.DecimalField(max_digits=10, decimal_places=2)
    high = serializers.DecimalField(max_digits=10, decimal_places=2)
    position = serializers.CharField(help_text="below or above the range.")
    gap = serializers.FloatField(help_text="How far outside the range, relative to its nearer end (0.5 = 50%).")
    source = serializers.CharField(help_text="model or category (see the fair-price endpoint).")
    computed_at = serializers.DateTimeField()
