"""Who and which storefront a recommendations request is about, without a database read per request.

The cached answer costs one cache round trip; before these copies, finding the storefront
(`?merchant=`) and the shopper (scoped by the caller's merchants) cost two database queries on
top of it. Each process keeps:

* every merchant's external id -> id (a small table), reloaded when an id is not in it, when a
  merchant is saved or deleted in this process, and every MERCHANT_SECONDS;
* recently asked shoppers' external id -> (id, merchants they are linked to), for
  CUSTOMER_SECONDS, at most CUSTOMER_ENTRIES of them (least recently used dropped).

Tenancy is checked on every request against these copies exactly as the scoped queries did (a
customer is visible to merchant staff when linked to one of their merchants). A link added
since the copy was made is found by reloading the entry when the check fails; a customer saved or
deleted, or a link deleted, in this process drops the entries at once (signals); such a change
made by another process (or in bulk, without signals) is honoured there within CUSTOMER_SECONDS.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from django.http import Http404

from apps.core.tenancy import merchant_ids_for_user
from apps.customers.models import Customer, MerchantCustomer
from apps.merchants.models import Merchant

MERCHANT_SECONDS = 300.0
CUSTOMER_SECONDS = 60.0
CUSTOMER_ENTRIES = 50_000


class CustomerRef(NamedTuple):
    """What serving needs of a shopper: the id and the external id (no full row read)."""

    pk: int
    external_id: str


class _Shopper(NamedTuple):
    pk: int
    merchant_ids: frozenset[int]
    loaded: float


_lock = threading.Lock()
_merchants: dict[str, int] = {}
_merchants_loaded = {"at": float("-inf")}
_shoppers: OrderedDict[str, _Shopper] = OrderedDict()


def access_forget(*args, **kwargs) -> None:
    """Drop this process's copies (merchant saved or deleted; tests)."""
    with _lock:
        _merchants.clear()
        _merchants_loaded["at"] = float("-inf")
        _shoppers.clear()


def shopper_forget(*args, instance=None, **kwargs) -> None:
    """A customer saved or deleted here: drop their entry (an external id given to a new row must not keep
    the old row's id); a merchant link deleted: drop them all."""
    with _lock:
        if isinstance(instance, Customer):
            _shoppers.pop(instance.external_id, None)
        else:
            _shoppers.clear()


def _merchant_map(*, reload: bool = False) -> dict[str, int]:
    now = time.monotonic()
    with _lock:
        if not reload and now - _merchants_loaded["at"] < MERCHANT_SECONDS:
            return _merchants
    fresh = dict(Merchant.objects.values_list("external_id", "pk"))
    with _lock:
        _merchants.clear()
        _merchants.update(fresh)
        _merchants_loaded["at"] = now
        return _merchants


def merchant_id_for(*, user, external_id: str) -> int | None:
    """The id of the caller's merchant with this external id; None when unknown or not theirs (same answer)."""
    pk = _merchant_map().get(external_id)
    if pk is None:
        pk = _merchant_map(reload=True).get(external_id)
    if pk is None:
        return None
    allowed = merchant_ids_for_user(user)
    return pk if allowed is None or pk in allowed else None


def _load_shopper(external_id: str) -> _Shopper | None:
    links = list(MerchantCustomer.objects.filter(customer__external_id=external_id).values_list("customer_id", "merchant_id"))
    if links:
        entry = _Shopper(links[0][0], frozenset(merchant for _, merchant in links), time.monotonic())
    else:  # a customer no merchant has dealt with: visible to platform staff only
        pk = Customer.objects.filter(external_id=external_id).values_list("pk", flat=True).first()
        if pk is None:
            return None
        entry = _Shopper(pk, frozenset(), time.monotonic())
    with _lock:
        _shoppers[external_id] = entry
        _shoppers.move_to_end(external_id)
        while len(_shoppers) > CUSTOMER_ENTRIES:
            _shoppers.popitem(last=False)
    return entry


def _visible(entry: _Shopper | None, allowed: list[int] | None) -> bool:
    return entry is not None and (allowed is None or not entry.merchant_ids.isdisjoint(allowed))


def customer_ref(*, user, external_id: str) -> CustomerRef:
    """The shopper, if the caller may see them; Http404 otherwise (as `customers.selectors.customer_get`)."""
    allowed = merchant_ids_for_user(user)
    if allowed is not None and not allowed:
        raise Http404("No such customer.")
    with _lock:
        entry = _shoppers.get(external_id)
        if entry is not None:
            _shoppers.move_to_end(external_id)
    if entry is None or time.monotonic() - entry.loaded >= CUSTOMER_SECONDS or not _visible(entry, allowed):
        entry = _load_shopper(external_id)
    if not _visible(entry, allowed):
        raise Http404("No such customer.")
    return CustomerRef(entry.pk, external_id)
