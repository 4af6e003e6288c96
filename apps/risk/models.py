"""Stored risk scores: one row per customer per shop, and one per seller."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.core.models import MerchantOwnedModel


class Subject(models.TextChoices):
    CUSTOMER = "customer"
    SELLER = "seller"


class Band(models.TextChoices):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RiskScore(MerchantOwnedModel):
    """A subject's combined risk as the shop's own evidence shows it.

    Customer rows use only the shop's own signals, so a merchant never learns what another shop
    saw of a customer. A seller's row belongs to the seller's own merchant and is shown to
    platform staff only (apps.risk.selectors): it is evidence against the seller.
    """

    subject = models.CharField(max_length=8, choices=Subject.choices)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="risk_scores"
    )
    score = models.FloatField(help_text="0..1, weighted noisy-OR of the sources' strongest signals")
    band = models.CharField(max_length=6, choices=Band.choices)
    components = models.JSONField(default=list, help_text="[{source, score, weight, reasons, observed_at}], strongest first")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "customer"], condition=Q(subject="customer"), name="risk_one_score_per_shop_customer"
            ),
            models.UniqueConstraint(fields=["merchant"], condition=Q(subject="seller"), name="risk_one_score_per_seller"),
            models.CheckConstraint(
                condition=Q(subject="customer", customer__isnull=False) | Q(subject="seller", customer__isnull=True),
                name="risk_customer_only_for_customer_rows",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "subject", "-score"], name="risk_merchant_subject_idx")]

    def __str__(self) -> str:
        who = self.customer_id if self.subject == Subject.CUSTOMER else self.merchant_id
        return f"{self.subject} {who}: {self.score:.2f} ({self.band})"
