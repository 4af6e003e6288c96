"""Product reviews written by customers."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.core.models import MerchantOwnedModel


class Review(MerchantOwnedModel):
    """`merchant` repeats the product's merchant so scoping needs no join."""

    external_id = models.CharField(max_length=64)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "external_id"], name="review_merchant_external_id"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
        ]
        indexes = [models.Index(fields=["product", "-created_at"], name="review_product_created_idx")]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"
