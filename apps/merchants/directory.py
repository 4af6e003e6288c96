"""Merchant ids by external id from a per-process copy: API calls name their merchant by external id
(a storefront's `?merchant=`, a scoring call's `merchant_id`), and a query per request to resolve
it was ~3 ms of a 40 ms scoring call in a profile.

Each process keeps external id -> id for the merchants it was asked about. An external id not in
the copy is looked up (with every other missing one, in one query) and kept; unknown ids are not
remembered, so a merchant created anywhere, even in bulk without signals, is found on its first
use. Copies are dropped:

* every MERCHANT_SECONDS;
* at once in this process when a merchant is saved or deleted here (signals, `directory_forget`),
  and in every other process at its next lookup: a shared generation number is read on every
  lookup (one cache round trip, ~0.1 ms on a pooled Redis connection), because a stale id does not
  degrade an answer, it breaks it (a payment stored against a merchant id that no longer exists).

Who may use which merchant is not decided here: `apps.merchants.selectors` checks it on every
call, against the caller's memberships.
"""
from __future__ import annotations

from collections.abc import Iterable

from apps.core.process_cache import ProcessCache, SharedGeneration
from apps.merchants.models import Merchant

MERCHANT_SECONDS = 300.0
WARM_MAX_MERCHANTS = 50_000
"""A web process loads the whole directory at start-up when there are at most this many merchants."""
GENERATION_CHECK_SECONDS = 0.0
GENERATION_KEY = "merchants:directory-generation"

_ids: ProcessCache[str, int] = ProcessCache(
    ttl=MERCHANT_SECONDS, generation=SharedGeneration(GENERATION_KEY, check_seconds=GENERATION_CHECK_SECONDS)
)


def directory_clear_local() -> None:
    """Drop this process's copy only (tests: rows rolled back send no signal)."""
    _ids.clear()


def directory_forget(*args, **kwargs) -> None:
    """A merchant saved or deleted: drop this process's copy now and tell the other processes."""
    directory_clear_local()
    _ids.generation.bump()


def merchant_ids(external_ids: Iterable[str]) -> dict[str, int]:
    """The known merchants' ids by external id; unknown ids are absent."""
    wanted = set(external_ids)
    stamp = _ids.stamp()
    found = {key: pk for key in wanted if (pk := _ids.get(key, stamp=stamp)) is not None}
    missing = wanted - found.keys()
    if missing:
        for external_id, pk in Merchant.objects.filter(external_id__in=missing).order_by().values_list("external_id", "pk"):
            _ids.set(external_id, pk, stamp=stamp)
            found[external_id] = pk
    return found


def directory_warm() -> int:
    """Load every merchant (up to WARM_MAX_MERCHANTS) into this process's copy; how many were loaded.

    A web process calls it at start-up (`apps.core.warmup`): otherwise each merchant's first call
    to each worker paid a query, and with a few thousand merchants that was most calls of a fresh
    worker's first minutes. Entries expire after MERCHANT_SECONDS like any other and are then
    looked up one by one again; a marketplace with more merchants than the cap loads none.
    """
    if Merchant.objects.count() > WARM_MAX_MERCHANTS:
        return 0
    stamp = _ids.stamp()
    rows = list(Merchant.objects.order_by().values_list("external_id", "pk"))
    for external_id, pk in rows:
        _ids.set(external_id, pk, stamp=stamp)
    return len(rows)
