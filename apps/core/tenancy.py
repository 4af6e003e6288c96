"""The one place that decides which merchants' rows a user may read.

Every merchant-owned queryset is narrowed by `scope_for_user`. Platform staff (admins,
fraud analysts, support agents) work across merchants; merchant staff see only the
merchants they belong to; customers and anonymous users see no merchant data at all.
A row outside the scope is simply absent, so views answer 404 exactly as for a missing id.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models

if TYPE_CHECKING:
    from apps.accounts.models import User

Q = TypeVar("Q", bound=models.QuerySet)

PLATFORM_WIDE_ROLES = frozenset({"platform_admin", "fraud_analyst", "support_agent"})


class MerchantScopedQuerySet(models.QuerySet):
    """Querysets of merchant-owned rows; `merchant_path` says how a row reaches its merchant."""

    merchant_path = "merchant"

    def for_merchants(self, merchant_ids):
        return self.filter(**{f"{self.merchant_path}__in": merchant_ids})


def merchant_path_queryset(path: str) -> type[MerchantScopedQuerySet]:
    """A queryset class for models that reach their merchant through a relation (e.g. `order__merchant`)."""
    return type(f"ScopedBy_{path}", (MerchantScopedQuerySet,), {"merchant_path": path})


def sees_all_merchants(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in PLATFORM_WIDE_ROLES))


def merchant_ids_for_user(user: User) -> list[int] | None:
    """Merchant ids the user may read; None means every merchant."""
    if not user or not user.is_authenticated:
        return []
    if sees_all_merchants(user):
        return None
    cached = getattr(user, "_merchant_ids_cache", None)
    if cached is None:
        cached = list(user.memberships.values_list("merchant_id", flat=True))
        user._merchant_ids_cache = cached
    return cached


def scope_for_user(queryset: Q, user: User) -> Q:
    """Narrow any merchant-owned queryset to what `user` may see."""
    ids = merchant_ids_for_user(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.for_merchants(ids)
