"""What the abuse detectors found: scalping flags and collusion rings.

Both belong to one merchant (the seller of the scalped product, the seller the ring props up),
so the usual tenancy scope applies: a merchant sees the flags and rings about its own shop only.
Detection re-runs update rows in place (keys are stable), so running it twice changes nothing.
"""
from __future__ import annotations

from django.db import models

from apps.core.models import MerchantOwnedModel
from apps.core.tenancy import merchant_path_queryset


class Source(models.TextChoices):
    RULES = "rules"
    MODEL = "model"


class ScalpingFlag(MerchantOwnedModel):
    """Linked accounts that together bought many units of one limited product in a short window."""

    key = models.CharField(max_length=64, help_text="product id and the window's first payment: stable across runs")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="scalping_flags")
    customers = models.ManyToManyField("customers.Customer", related_name="scalping_flags")
    payments = models.ManyToManyField("orders.Payment", related_name="scalping_flags")
    accounts = models.PositiveIntegerField()
    units = models.PositiveIntegerField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    score = models.FloatField(help_text="0..1: the classifier's probability, or the rules' score without a model")
    source = models.CharField(max_length=8, choices=Source.choices)
    model_version = models.ForeignKey("mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reasons = models.JSONField(default=list, help_text="sentences with the values behind them")
    features = models.JSONField(default=dict, help_text="the candidate's features, also the classifier's training rows")
    account_units = models.JSONField(default=dict, help_text="customer id -> units bought in the window")
    detected_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "-window_end"]
        constraints = [models.UniqueConstraint(fields=["merchant", "key"], name="scalpingflag_merchant_key")]
        indexes = [models.Index(fields=["merchant", "-detected_at"], name="scalpingflag_merchant_idx")]

    def __str__(self) -> str:
        return f"scalping of {self.product_id}: {self.units} units by {self.accounts} accounts"


class Ring(MerchantOwnedModel):
    """Buyers colluding with one seller (`merchant`), with the graph that links them."""

    key = models.CharField(max_length=40, help_text="hash of the seller and its sorted buyers")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    features = models.JSONField(default=dict)
    nodes = models.JSONField(default=list, help_text="[{id, kind, label}]")
    edges = models.JSONField(default=list, help_text="[{source, target, kind, weight}]")
    buyers = models.PositiveIntegerField()
    active = models.BooleanField(default=True, help_text="found by the latest detection run")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["merchant", "key"], name="ring_merchant_key")]
        indexes = [models.Index(fields=["merchant", "active", "-score"], name="ring_merchant_active_idx")]

    def __str__(self) -> str:
        return f"ring of {self.buyers} buyers at {self.merchant_id} ({self.score:.2f})"


class RingMember(models.Model):
    """A buyer or a shared identity of a ring; buyers point at their Customer."""

    class Kind(models.TextChoices):
        BUYER = "buyer"
        CARD = "card"
        DEVICE = "device"
        IP = "ip"
        ADDRESS = "address"
        STAFF = "staff"

    ring = models.ForeignKey(Ring, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="ring_memberships"
    )
    value = models.CharField(max_length=255, help_text="the card fingerprint, device, IP...; the customer id for buyers")

    objects = merchant_path_queryset("ring__merchant").as_manager()

    class Meta:
        ordering = ["ring", "kind", "value"]
        constraints = [models.UniqueConstraint(fields=["ring", "kind", "value"], name="ringmember_unique")]
        indexes = [models.Index(fields=["customer"], name="ringmember_customer_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} of ring {self.ring_id}"
