"""The one user model, with a role, and hashed API tokens for API clients."""
from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from apps.accounts.scopes import ALL_SCOPES


class User(AbstractUser):
    class Role(models.TextChoices):
        PLATFORM_ADMIN = "platform_admin", "Platform admin"
        FRAUD_ANALYST = "fraud_analyst", "Fraud analyst"
        SUPPORT_AGENT = "support_agent", "Support agent"
        MERCHANT_STAFF = "merchant_staff", "Merchant staff"
        CUSTOMER = "customer", "Customer"

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CUSTOMER, db_index=True)

    def save(self, *args, **kwargs):
        # A superuser created by `createsuperuser` administers the platform.
        if self.is_superuser and self.role == self.Role.CUSTOMER:
            self.role = self.Role.PLATFORM_ADMIN
        super().save(*args, **kwargs)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _all_scopes() -> list[str]:
    return list(ALL_SCOPES)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the raw value is shown once, at creation."""

    PREFIX = "ss_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="default")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token in lists.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Narrow what the token may call (apps/accounts/scopes.py); a storefront's token is ["score"].
    scopes = models.JSONField(default=_all_scopes, help_text="Any of: " + ", ".join(ALL_SCOPES))

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: User, name: str = "default", scopes: list[str] | None = None) -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            key_prefix=raw[:10],
            scopes=sorted(scopes) if scopes is not None else _all_scopes(),
        )
        return token, raw

    @classmethod
    def find_active(cls, raw: str) -> ApiToken | None:
        return cls.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()

    def revoke(self) -> None:
        """Refuse the token from now on, in every process (the lookup cache hears of it on commit)."""
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
