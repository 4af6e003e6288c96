"""Abstract bases shared by every app, and the audit log of staff changes."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.tenancy import MerchantScopedQuerySet


class TimeStampedModel(models.Model):
    # A default, not auto_now_add: imports carry the merchant's own creation time.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class MerchantOwnedModel(TimeStampedModel):
    """A row that belongs to exactly one merchant; read it only through `scope_for_user`."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="%(class)ss")

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """Who changed what, when, with the values before and after (shown to admins)."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        ACTION = "action"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=16, default="api", help_text="api, portal, admin or command")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"
