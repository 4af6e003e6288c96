"""Reads for merchants: a user sees the merchants they belong to (platform staff see all)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.core.tenancy import scope_for_user
from apps.merchants.models import Merchant

if TYPE_CHECKING:
    from apps.accounts.models import User


def merchant_list(*, user: User) -> QuerySet[Merchant]:
    return scope_for_user(Merchant.objects.all(), user)


def merchant_get(*, user: User, slug: str) -> Merchant:
    return get_object_or_404(merchant_list(user=user), slug=slug)


def merchant_for_writer(*, user: User, reference: str) -> Merchant | None:
    """The merchant named by slug or external id, if `user` may write its data; None otherwise.

    Unknown and foreign merchants both answer None so a caller cannot probe for other merchants.
    """
    return merchant_list(user=user).filter(Q(slug=reference) | Q(external_id=reference)).order_by("pk").first()
