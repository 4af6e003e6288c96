"""Reads for merchants: a user sees the merchants they belong to (platform staff see all)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.core.tenancy import merchant_ids_for_user, scope_for_user
from apps.merchants.directory import merchant_ids
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


def merchants_by_external_id(*, user: User, external_ids: Iterable[str]) -> dict[str, Merchant]:
    """The merchants of these external ids that `user` may read; unknown and foreign ones are both absent.

    Ids come from this process's directory (`apps.merchants.directory`), so resolving costs no
    merchant query; tenancy is checked here on every call, as `merchant_list` scopes it. Each
    merchant has its id and external id loaded; any other field is read from the database on first
    access, so it is never a stale copy.
    """
    found = merchant_ids(external_ids)
    allowed = merchant_ids_for_user(user) if found else None
    return {
        external_id: Merchant.from_db(DEFAULT_DB_ALIAS, ["id", "external_id"], [pk, external_id])
        for external_id, pk in found.items()
        if allowed is None or pk in allowed
    }
