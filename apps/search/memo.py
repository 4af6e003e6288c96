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

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
GENERATION_KEY = "search:memo-generation"
_MISSING = object()
_lock = threading.Lock()
_memos: list[ProcessMemo] = []
_seen = {"generation": _MISSING, "checked": float("-inf")}


def _check_seconds() -> float:
    return float(getattr(settings, "SEARCH_MEMO_CHECK_SECONDS", 5.0))


class ProcessMemo(Generic[T]):
    """`load()`'s value, kept in this process until invalidated or `ttl` seconds old."""

    def __init__(self, load: Callable[[], T], *, ttl: float = 3600.0) -> None:
        self._load = load
        self._ttl = ttl
        self._value: object = _MISSING
        self._expires = 0.0
        with _lock:
            _memos.append(self)

    def get(self) -> T:
        _follow_other_processes()
        now = time.monotonic()
        value = self._value
        if value is _MISSING or now >= self._expires:
            value = self._load()
            self._value, self._expires = value, now + self._ttl
        return value  # type: ignore[return-value]

    def clear(self) -> None:
        self._value = _MISSING


def _clear_local() -> None:
    with _lock:
        memos = list(_memos)
    for memo in memos:
        memo.clear()


def _follow_other_processes() -> None:
    now = time.monotonic()
    if now - _seen["checked"] < _check_seconds():
        return
    generation = cache.get(GENERATION_KEY)
    if generation != _seen["generation"]:
        _clear_local()
        _seen["generation"] = generation
    _seen["checked"] = now


def memo_invalidate(*args, **kwargs) -> None:
    """Drop this process's copies now and tell the other processes (signal receivers call it too)."""
    _clear_local()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or the cache was cleared)
        cache.add(GENERATION_KEY, 1, None)
    _seen["generation"] = cache.get(GENERATION_KEY)
    _seen["checked"] = time.monotonic()
