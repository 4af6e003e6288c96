"""Who and which storefront a recommendations request is about, without a database read per request.

The cached answer costs one cache round trip; before these copies, finding the storefront
(`?merchant=`) and the shopper (scoped by the caller's merchants) cost two database queries on
top of it. The storefront's id comes from the per-process merchant directory
(`apps.merchants.directory`: external id -> id, MERCHANT_SECONDS there); each process also keeps
recently asked shoppers' external id -> (id, merchants they are linked to), for CUSTOMER_SECONDS,
at most CUSTOMER_ENTRIES of them (least recently used dropped), and recently asked products'
external id -> (id, merchant, category) for PRODUCT_SECONDS (similar items), in
`apps.core.process_cache` maps.

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

from apps.catalog.models import Product
from apps.core.process_cache import ProcessCache
from apps.core.tenancy import merchant_ids_for_user
from apps.customers.models import Customer, MerchantCustomer
from apps.merchants.directory import directory_clear_local
from apps.merchants.selectors import merchants_by_external_id

CUSTOMER_SECONDS = 60.0
CUSTOMER_ENTRIES = 50_000
PRODUCT_SECONDS = 60.0
PRODUCT_ENTRIES = 20_000


class CustomerRef(NamedTuple):
    """What serving needs of a shopper: the id and the external id (no full row read)."""

    pk: int
    external_id: str


class ProductRef(NamedTuple):
    """What similar-item serving needs of a product: ids only, no full row or joins."""

    pk: int
    external_id: str
    merchant_id: int
    category_id: int | None


class _Shopper(NamedTuple):
    pk: int
    merchant_ids: frozenset[int]


_shoppers: ProcessCache[str, _Shopper] = ProcessCache(ttl=CUSTOMER_SECONDS, max_entries=CUSTOMER_ENTRIES)
_products: ProcessCache[str, ProductRef] = ProcessCache(ttl=PRODUCT_SECONDS, max_entries=PRODUCT_ENTRIES)


def access_forget() -> None:
    """Drop this process's copies (tests)."""
    directory_clear_local()
    _shoppers.clear()
    _products.clear()


def product_forget(*args, instance=None, **kwargs) -> None:
    """A product saved or deleted here: drop its entry (its merchant or category may have changed)."""
    if instance is not None:
        _products.pop(instance.external_id)


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


def product_ref(*, user, external_id: str) -> ProductRef:
    """The product, if the caller may see it; Http404 otherwise (as `catalog.selectors.product_get`).

    A cached similar-items answer then needs no database read at all: the product lookup was the
    one query left on that path.
    """
    allowed = merchant_ids_for_user(user)
    if allowed is not None and not allowed:
        raise Http404("No such product.")
    entry = _products.get(external_id)
    if entry is None:
        row = Product.objects.filter(external_id=external_id).values_list("pk", "merchant_id", "category_id").first()
        if row is None:
            raise Http404("No such product.")
        entry = ProductRef(row[0], external_id, row[1], row[2])
        _products.set(external_id, entry, stamp=None)
    if allowed is not None and entry.merchant_id not in allowed:
        raise Http404("No such product.")
    return entry
