"""Fraud scoring records, analyst-edited rules and lists, review cases, chargebacks and decision webhooks."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import MerchantOwnedModel
from apps.core.tenancy import MerchantScopedQuerySet, merchant_path_queryset


class Decision(models.TextChoices):
    APPROVE = "approve"
    REVIEW = "review"
    DECLINE = "decline"


class Assessment(MerchantOwnedModel):
    """The answer given for one payment; a replay of the transaction returns this row unchanged."""

    payment = models.OneToOneField("orders.Payment", on_delete=models.CASCADE, related_name="assessment")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    score = models.FloatField(help_text="final risk 0..1")
    ml_score = models.FloatField(null=True, blank=True, help_text="model score; null when the model was not used")
    rules_score = models.FloatField(default=0.0)
    flags = models.JSONField(default=list, blank=True, help_text="names of rules and hard flags that fired")
    reasons = models.JSONField(default=list, blank=True, help_text="[{text, feature, value}], most important first")
    features = models.JSONField(default=dict, blank=True, help_text="feature values as of the payment's timestamp")
    model_version = models.ForeignKey("mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    fallback = models.BooleanField(default=False, help_text="scored by rules only (model missing, failed or too slow)")
    latency_ms = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "-created_at"], name="assessment_merchant_idx"),
            # overview charts: decisions per day
            models.Index(fields=["decision", "created_at"], name="assessment_decision_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.decision} ({self.score:.2f})"


class RuleAction(models.TextChoices):
    FLAG = "flag"
    REVIEW = "review"
    DECLINE = "decline"


class Rule(models.Model):
    """An analyst-written condition in the safe language of `ml.fraud.rules_language`."""

    name = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=255, blank=True)
    condition = models.TextField()
    action = models.CharField(max_length=8, choices=RuleAction.choices, default=RuleAction.FLAG)
    weight = models.FloatField(default=0.1, help_text="0..1, added to the rules score when it fires")
    enabled = models.BooleanField(default=True)
    shipped = models.BooleanField(default=False, help_text="one of the defaults shipped with ShopSignal")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=1), name="rule_weight_0_1")]

    def __str__(self) -> str:
        return self.name


class ListEntry(models.Model):
    """Allow and block lists. A block hit declines with a hard flag; an allow hit skips review."""

    class ListType(models.TextChoices):
        ALLOW = "allow"
        BLOCK = "block"

    class Kind(models.TextChoices):
        CARD = "card"
        DEVICE = "device"
        IP = "ip"
        EMAIL = "email"
        CUSTOMER = "customer"

    list_type = models.CharField(max_length=5, choices=ListType.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=255, help_text="card fingerprint, device id, IP, lower-cased email or customer id")
    reason = models.CharField(max_length=255, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["list_type", "kind", "value"], name="listentry_unique")]
        verbose_name_plural = "list entries"

    def __str__(self) -> str:
        return f"{self.list_type} {self.kind} {self.value}"

    @property
    def active(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()


class RiskSettings(models.Model):
    """Thresholds and rule choice; the row with no merchant holds the platform defaults."""

    merchant = models.OneToOneField(
        "merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="risk_settings"
    )
    review_threshold = models.FloatField(null=True, blank=True, help_text="empty: the production model's threshold")
    decline_threshold = models.FloatField(null=True, blank=True, help_text="empty: the production model's threshold")
    disabled_rules = models.ManyToManyField(Rule, blank=True, related_name="disabled_for")
    review_sla_minutes = models.PositiveIntegerField(default=240)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "risk settings"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant"], condition=Q(merchant__isnull=True), name="risksettings_one_platform_row"
            ),
            models.CheckConstraint(
                condition=Q(review_threshold__isnull=True) | Q(review_threshold__gte=0, review_threshold__lte=1),
                name="risksettings_review_0_1",
            ),
            models.CheckConstraint(
                condition=Q(decline_threshold__isnull=True) | Q(decline_threshold__gte=0, decline_threshold__lte=1),
                name="risksettings_decline_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"risk settings for {self.merchant or 'the platform'}"


class ReviewCase(MerchantOwnedModel):
    class Status(models.TextChoices):
        OPEN = "open"
        CLAIMED = "claimed"
        SNOOZED = "snoozed"
        DECIDED = "decided"

    class Outcome(models.TextChoices):
        APPROVED = "approved"
        DECLINED_FRAUD = "declined_fraud", "Declined as fraud"
        REFUNDED = "refunded"
        FALSE_POSITIVE = "false_positive", "False positive"

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="case")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    priority = models.FloatField(help_text="the assessment's score: the queue sorts by it, then by age")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="fraud_cases"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    is_fraud = models.BooleanField(null=True, blank=True, help_text="the analyst's label")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "created_at"]
        indexes = [models.Index(fields=["status", "-priority", "created_at"], name="case_queue_idx")]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.status})"


class CaseEvent(models.Model):
    """The audit trail of a case: every claim, release, assignment, snooze, note and decision."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = merchant_path_queryset("case__merchant").as_manager()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.action} on case {self.case_id}"


class Chargeback(MerchantOwnedModel):
    """A chargeback reported by the card network: a fraud label that arrives weeks later."""

    payment = models.OneToOneField("orders.Payment", on_delete=models.CASCADE, related_name="chargeback")
    date = models.DateField()
    reason = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"chargeback {self.payment_id} {self.date}"


class WebhookEndpoint(MerchantOwnedModel):
    """Where a merchant wants decisions and analyst outcomes delivered, signed with `secret`."""

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        DEAD = "dead", "Dead letter"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, help_text="decision or outcome")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = merchant_path_queryset("endpoint__merchant").as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"
