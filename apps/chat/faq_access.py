"""Who may read and edit FAQ entries in the portal.

Merchant staff edit their merchants' entries and read the platform defaults; platform admins
edit everything; support agents read everything (they answer with it) but edit nothing.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.chat.models import FaqEntry
from apps.core.tenancy import merchant_ids_for_user, scope_for_user
from apps.dashboard.access import role_of
from apps.merchants.models import Merchant


def may_edit_platform_entries(user) -> bool:
    return role_of(user) == "platform_admin"


def editable_merchants(user) -> QuerySet[Merchant]:
    if role_of(user) not in ("platform_admin", "merchant_staff"):
        return Merchant.objects.none()
    return scope_for_user(Merchant.objects.order_by("name"), user)


def readable_entries(user) -> QuerySet[FaqEntry]:
    """The user's merchants' entries and the platform defaults (every entry for platform staff)."""
    ids = merchant_ids_for_user(user)
    entries = FaqEntry.objects.select_related("merchant")
    return entries if ids is None else entries.filter(Q(merchant_id__in=ids) | Q(merchant__isnull=True))


def editable_entries(user) -> QuerySet[FaqEntry]:
    if may_edit_platform_entries(user):
        return FaqEntry.objects.select_related("merchant")
    return FaqEntry.objects.filter(merchant__in=editable_merchants(user)).select_related("merchant")
