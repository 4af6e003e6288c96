"""Who and which storefront a recommendations request is about, without a database read per request.

The cached answer costs one cache round trip; before these copies, finding the storefront
(`?merchant=`) and the shopper (scoped by the caller's merchants) cost two database queries on
top of it. The storefront's id comes from the per-process merchant directory
(`apps.merchants.directory`: external id -> id, MERCHANT_SECONDS there); each process also keeps
recently asked shoppers' external id -> (id, merchants they are linked to), for CUSTOMER_SECONDS,
at most CUSTOMER_ENTRIES of them (least recently used dropped), in an `apps.core.process_cache` map.

Tenancy is checked on every request against these copies exactly as the scoped queries did (a
customer is visible to merchant staff when linked to one of their merchants). A link added
since the copy was made is found by reloading the entry when the check fails; a customer saved or
deleted, a merchant saved or deleted, or a link deleted, in this process drops the entries at once
(signals); such a change made by another process (or in bulk, without signals) is honoured there
within CUSTOMER_SECONDS.
"""
from __future__ import annotations

from typing import NamedTuple

from django.http import Http404

from apps.core.process_cache import ProcessCache
from apps.core.tenancy import merchant_ids_for_user
from apps.customers.models import Customer, MerchantCustomer
from apps.merchants.directory import directory_clear_local
from apps.merchants.selectors import merchants_by_external_id

CUSTOMER_SECONDS = 60.0
CUSTOMER_ENTRIES = 50_000


class CustomerRef(NamedTuple):
    """What serving needs of a shopper: the id and the external id (no full row read)."""

    pk: int
    external_id: str


class _Shopper(NamedTuple):
    pk: int
    merchant_ids: frozenset[int]


_shoppers: ProcessCache[str, _Shopper] = ProcessCache(ttl=CUSTOMER_SECONDS, max_entries=CUSTOMER_ENTRIES)


def access_forget() -> None:
    """Drop this process's copies (tests)."""
    directory_clear_local()
    _shoppers.clear()


def shopper_forget(*args, instance=None, **kwargs) -> None:
    """A customer saved or deleted here: drop their entry (an external id given to a new row must not keep
    the old row's id); a merchant saved or deleted, or a merchant link deleted: drop them all."""
    if isinstance(instance, Customer):
        _shoppers.pop(instance.external_id)
    else:
        _shoppers.clear()


def merchant_id_for(*, user, external_id: str) -> int | None:
    """The id of the caller's merchant with this external id; None when unknown or not theirs (same answer)."""
    merchant = merchants_by_external_id(user=user, external_ids=[external_id]).get(external_id)
    return None if merchant is None else merchant.pk


def _load_shopper(external_id: str) -> _Shopper | None:
    links = list(MerchantCustomer.objects.filter(customer__external_id=external_id).values_list("customer_id", "merchant_id"))
    if links:
        entry = _Shopper(links[0][0], frozenset(merchant for _, merchant in links))
    else:  # a customer no merchant has dealt with: visible to platform staff only
        pk = Customer.objects.filter(external_id=external_id).values_list("pk", flat=True).first()
        if pk is None:
            return None
        entry = _Shopper(pk, frozenset())
    _shoppers.set(external_id, entry, stamp=None)
    return entry


def _visible(entry: _Shopper | None, allowed: list[int] | None) -> bool:
    return entry is not None and (allowed is None or not entry.merchant_ids.isdisjoint(allowed))


def customer_ref(*, user, external_id: str) -> CustomerRef:
    """The shopper, if the caller may see them; Http404 otherwise (as `customers.selectors.customer_get`)."""
    allowed = merchant_ids_for_user(user)
    if allowed is not None and not allowed:
        raise Http404("No such customer.")
    entry = _shoppers.get(external_id)
    if not _visible(entry, allowed):
        entry = _load_shopper(external_id)
    if not _visible(entry, allowed):
        raise Http404("No such customer.")
    return CustomerRef(entry.pk, external_id)
