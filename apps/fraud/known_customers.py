"""Customers and merchant links scoring has already seen, remembered per process.

A returning customer cost a SELECT (its pk and billing country) and an INSERT ... ON CONFLICT
(the merchant link) on every payment. Here the pk and country are kept for
FRAUD_CONFIG_MAX_AGE_SECONDS (a customers import that changes a billing country is seen
within that time) and a link, once written, is never written again by this process (links are
only ever added; remembered when the transaction commits). Both are bounded: past MAX_ENTRIES
the memory starts over rather than grow.
"""
from __future__ import annotations

import threading
import time
from functools import partial

from django.conf import settings
from django.db import transaction

from apps.customers.models import Customer, link_customers
from apps.customers.services import customers_ensure

MAX_ENTRIES = 200_000

_customers: dict[str, tuple[float, int, str]] = {}
_links: set[tuple[int, int]] = set()
_lock = threading.Lock()


def customers_resolve(*, external_ids: set[str]) -> tuple[dict[str, int], dict[str, str]]:
    """(pk by external id, billing country by external id), creating stub customers for unknown ids."""
    max_age = settings.FRAUD_CONFIG_MAX_AGE_SECONDS
    now = time.monotonic()
    pks: dict[str, int] = {}
    countries: dict[str, str] = {}
    for external_id in external_ids:
        found = _customers.get(external_id)
        if found is not None and now - found[0] < max_age:
            pks[external_id], countries[external_id] = found[1], found[2]
    wanted = external_ids - pks.keys()
    if wanted:
        known = Customer.objects.filter(external_id__in=wanted).values_list("external_id", "pk", "country")
        fresh = {external_id: (pk, country) for external_id, pk, country in known}
        fresh |= {external_id: (pk, "") for external_id, pk in customers_ensure(external_ids=wanted - fresh.keys()).items()}
        for external_id, (pk, country) in fresh.items():
            pks[external_id], countries[external_id] = pk, country
        transaction.on_commit(partial(_customers_remember, fresh, now))
    return pks, countries


def _customers_remember(fresh: dict[str, tuple[int, str]], now: float) -> None:
    """Only committed customers are remembered: a rolled-back stub must not be reused."""
    with _lock:
        if len(_customers) + len(fresh) > MAX_ENTRIES:
            _customers.clear()
        for external_id, (pk, country) in fresh.items():
            _customers[external_id] = (now, pk, country)


def customers_link(*, pairs: set[tuple[int, int]]) -> None:
    """`link_customers` for the (merchant id, customer id) pairs this process has not linked yet."""
    new = customers_unlinked(pairs=pairs)
    if not new:
        return
    link_customers(new)
    transaction.on_commit(partial(customers_linked, new))


def customers_unlinked(*, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs this process has not linked yet (the others are known to be stored)."""
    return pairs - _links


def customers_linked(pairs: set[tuple[int, int]]) -> None:
    """Remember pairs whose link is stored (committed)."""
    with _lock:
        if len(_links) + len(pairs) > MAX_ENTRIES:
            _links.clear()
        _links.update(pairs)


def known_customers_forget() -> None:
    """Forget everything (a write failed on a customer that may have been deleted meanwhile)."""
    with _lock:
        _customers.clear()
        _links.clear()
