"""Merchants (the sellers on the marketplace) and who on the staff belongs to which."""
from django.conf import settings
from django.db import models

from apps.core.tenancy import MerchantScopedQuerySet


class MerchantQuerySet(MerchantScopedQuerySet):
    merchant_path = "pk"


class Merchant(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=64, unique=True)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MerchantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        STAFF = "staff"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "merchant"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant} ({self.role})"
