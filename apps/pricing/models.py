"""Suggested (fair) price ranges per product, from the fair price model or its category fallback.

A row holds the range only; where the current price sits is computed against `product.price` at
read time, so a merchant who re-prices sees the verdict change at once without a new suggestion.
"""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from apps.core.tenancy import merchant_path_queryset


class PriceSuggestion(models.Model):
    class Source(models.TextChoices):
        MODEL = "model", "fair price model"
        CATEGORY = "category", "category interquartile range"

    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, related_name="price_suggestion")
    low = models.DecimalField(max_digits=10, decimal_places=2)
    mid = models.DecimalField(max_digits=10, decimal_places=2)
    high = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.CharField(max_length=16, choices=Source.choices)
    model_version = models.ForeignKey(
        "mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="price_suggestions"
    )
    category_level = models.CharField(
        max_length=400, blank=True, help_text="Category source: the level the quartiles come from (empty: the marketplace)."
    )
    comparables = models.PositiveIntegerField(default=0, help_text="Category source: listings behind the quartiles.")
    computed_at = models.DateTimeField(default=timezone.now)

    objects = merchant_path_queryset("product__merchant").as_manager()

    class Meta:
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("mid"), mid__lte=models.F("high")), name="pricesuggestion_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.low}–{self.high} ({self.source})"
