"""Shoppers' alert preferences and the log of every change to them.

Preferences belong to the shopper (a platform-wide Customer), not to a merchant; a merchant's
staff read the preferences of the customers linked to their merchant (MerchantCustomer).
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.core.tenancy import MerchantScopedQuerySet
from ml.alerts.types import ALERT_TYPES

ALERT_TYPE_CHOICES = [(alert.key, alert.label) for alert in ALERT_TYPES]


class CustomerLinkedQuerySet(MerchantScopedQuerySet):
    """Rows of a customer, visible to the merchants that customer has dealt with."""

    def for_merchants(self, merchant_ids):
        from apps.customers.models import MerchantCustomer

        links = MerchantCustomer.objects.filter(customer=OuterRef("customer"), merchant_id__in=merchant_ids)
        return self.filter(Exists(links))


class Source(models.TextChoices):
    API = "api", "API"
    PAGE = "page", "Alerts page"
    RECOMMENDATION = "recommendation", "Recommendation accepted"
    DEMO = "demo", "Demo data"


class AlertPreference(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="alert_preferences")
    alert_type = models.CharField(max_length=32, choices=ALERT_TYPE_CHOICES)
    enabled = models.BooleanField(default=False)
    monthly_limit = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The shopper's own monthly spending limit: what 'near spending limit' alerts measure against.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerLinkedQuerySet.as_manager()

    class Meta:
        ordering = ["customer_id", "alert_type"]
        constraints = [models.UniqueConstraint(fields=["customer", "alert_type"], name="alert_pref_customer_type_unique")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.alert_type} {'on' if self.enabled else 'off'}"


class AlertPreferenceLog(models.Model):
    """One row per change a shopper (or the demo seeding) made: who, from where, what."""

    class Action(models.TextChoices):
        ENABLED = "enabled"
        DISABLED = "disabled"
        LIMIT_CHANGED = "limit_changed"

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="alert_preference_log")
    alert_type = models.CharField(max_length=32, choices=ALERT_TYPE_CHOICES)
    action = models.CharField(max_length=16, choices=Action.choices)
    monthly_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CustomerLinkedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # the page's "recent changes" and the admin: one customer's log, newest first
        indexes = [models.Index(fields=["customer", "-created_at"], name="alertlog_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.alert_type} {self.action} via {self.source}"
