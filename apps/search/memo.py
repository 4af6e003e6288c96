"""Per-process copies of the small tables every search reads: synonyms, category paths, merchant slugs,
the catalog's title words and the behaviour prior.

Reading them from the database (or the shared cache) on every query cost a round trip each; they
change rarely. Each process keeps its own copy and drops every copy when:

* a row changes in this process (signals on SearchSynonym, Category, Merchant; `behaviour_refresh`),
  at once;
* another process announces a change by bumping a shared generation number in the cache, which
  each process reads at most every SEARCH_MEMO_CHECK_SECONDS (5 s), so one cache round trip per
  process per interval instead of several per query;
* a copy is older than its own time to live (title words, the prior: as their cache entries were).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

from apps.core.process_cache import ProcessCache, SharedGeneration

T = TypeVar("T")
GENERATION_KEY = "search:memo-generation"


def _check_seconds() -> float:
    return float(getattr(settings, "SEARCH_MEMO_CHECK_SECONDS", 5.0))


# One map for every memo (keyed by the memo itself), so one generation read per interval serves them all.
_memos: ProcessCache[ProcessMemo, object] = ProcessCache(
    ttl=3600.0, generation=SharedGeneration(GENERATION_KEY, check_seconds=_check_seconds)
)


class ProcessMemo(Generic[T]):
    """`load()`'s value, kept in this process until invalidated or `ttl` seconds old."""

    def __init__(self, load: Callable[[], T], *, ttl: float = 3600.0) -> None:
        self._load = load
        self._ttl = ttl

    def get(self) -> T:
        return _memos.get_or_load(self, self._load, ttl=self._ttl)  # type: ignore[return-value]

    def clear(self) -> None:
        _memos.pop(self)


def memo_invalidate(*args, **kwargs) -> None:
    """Drop this process's copies now and tell the other processes (signal receivers call it too)."""
    _memos.clear()
    _memos.generation.bump()
