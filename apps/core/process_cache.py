"""Per-process copies of small, hot reads that change rarely: a TTL + LRU map behind a lock, optionally
following a generation number in the shared cache.

Token lookups, search's small tables, the merchant directory and recommendations' shoppers are read
on every API request; a database query (or a shared-cache read) each would cost more than the
answer. Each process keeps its own copy instead, and a copy stops being used when:

* it is older than its time to live (per map, or per entry);
* it was dropped in this process (`pop`/`clear`, which signal receivers call on a write);
* another process announced a change by bumping the map's `SharedGeneration`: every entry is
  stamped with the generation read *before* it was loaded, and is used only while that is still
  the current one. Stamping before loading means a row read just before a concurrent change is
  never kept under the new number. The generation is re-read at most every `check_seconds`
  (0: on every lookup, as revocation of API tokens needs), one shared-cache round trip per
  process per interval instead of one per read.

Inside `generations_read_once()` (every HTTP request: `SharedGenerationsMiddleware`) the
generations are read together, once: the first lookup fetches every generation this process
knows in one `get_many`, and the rest of the request uses those numbers. A scoring call looked
up a token, a merchant and its scoring configuration, three round trips for three numbers; and
a request sees one consistent moment instead of three.
"""
from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, NamedTuple, TypeVar

import redis
from django.core.cache import cache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Seconds = float | Callable[[], float]

_UNREAD = object()


def _seconds(value: Seconds) -> float:
    return float(value() if callable(value) else value)


_known_keys: dict[str, None] = {}
"""Every SharedGeneration key of this process, in creation order: what a request reads at once."""
_read_once: ContextVar[dict[str, object] | None] = ContextVar("shared_generations_read", default=None)


@contextmanager
def generations_read_once() -> Iterator[None]:
    """Within the block, every shared generation is read at most once, all of them in one round trip."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


class SharedGenerationsMiddleware:
    """One shared-cache read per request for every generation the request looks at (`generations_read_once`)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with generations_read_once():
            return self.get_response(request)


class SharedGeneration:
    """A number in the shared cache (Redis in production) that any process bumps to say "drop your copies"."""

    def __init__(self, key: str, *, check_seconds: Seconds = 0.0) -> None:
        self.key = key
        self._check_seconds = check_seconds  # a callable is read on every check, so settings overrides apply
        self._seen: object = _UNREAD
        self._checked = float("-inf")
        self._lock = threading.Lock()
        _known_keys[key] = None

    def current(self) -> object:
        """The generation as last read; read again when that was `check_seconds` or more ago (None: never bumped)."""
        read = _read_once.get()
        if read is not None:
            if self.key not in read:
                unread = [key for key in _known_keys if key not in read]
                found = cache.get_many(unread)
                read.update({key: found.get(key) for key in unread})
            return read[self.key]
        now = time.monotonic()
        with self._lock:
            if self._seen is not _UNREAD and now - self._checked < _seconds(self._check_seconds):
                return self._seen
        seen = cache.get(self.key)
        with self._lock:
            self._seen, self._checked = seen, now
        return seen

    def bump(self) -> None:
        """Announce a change to every process (this one sees it at once)."""
        try:
            seen: object = cache.incr(self.key)
        except (ValueError, TypeError, redis.ResponseError):
            # Missing (first change, or the cache was flushed) or not a number (a token an older release
            # wrote): a random start cannot repeat a number an entry was stamped with, which 1 could.
            seen = random.randrange(1, 2**62)
            cache.set(self.key, seen, timeout=None)
        with self._lock:
            self._seen, self._checked = seen, time.monotonic()
        read = _read_once.get()
        if read is not None:
            read[self.key] = seen


class _Entry(NamedTuple):
    value: object
    generation: object
    expires: float


class ProcessCache(Generic[K, V]):
    """A per-process map whose entries live `ttl` seconds, at most `max_entries` of them (least recently
    used dropped first), optionally only while `generation` has not moved on."""

    def __init__(
        self, *, ttl: Seconds, max_entries: int | None = None, generation: SharedGeneration | None = None
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self.generation = generation
        self._entries: OrderedDict[K, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def stamp(self) -> object:
        """The generation to store a value under: read it before loading the value."""
        return self.generation.current() if self.generation is not None else None

    def get(self, key: K, default: V | None = None, *, stamp: object = _UNREAD) -> V | None:
        """The current value under `key`, or `default` when missing, expired or of an older generation.

        `stamp`: the generation already read for this lookup (saves reading it twice)."""
        generation = self.stamp() if stamp is _UNREAD else stamp
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            if entry.expires <= now or entry.generation != generation:
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return entry.value  # type: ignore[return-value]

    def peek(self, key: K) -> V | None:
        """The stored value whatever its age or generation, to amend in place (no shared-cache read)."""
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry.value  # type: ignore[return-value]

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """The current values of those keys that have one (one generation read for all)."""
        stamp = self.stamp()
        found = {}
        for key in keys:
            value = self.get(key, _UNREAD, stamp=stamp)  # type: ignore[arg-type]
            if value is not _UNREAD:
                found[key] = value
        return found

    def set(self, key: K, value: V, *, stamp: object, ttl: Seconds | None = None) -> None:
        """Keep `value`, loaded after `stamp()` returned `stamp`, for `ttl` (default: the map's) seconds."""
        expires = time.monotonic() + _seconds(self._ttl if ttl is None else ttl)
        with self._lock:
            self._entries[key] = _Entry(value, stamp, expires)
            self._entries.move_to_end(key)
            if self._max_entries is not None:
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)

    def get_or_load(self, key: K, load: Callable[[], V], *, ttl: Seconds | None = None) -> V:
        """The current value under `key`, else `load()`'s, kept (two threads may both load: the last one wins)."""
        stamp = self.stamp()
        value = self.get(key, _UNREAD, stamp=stamp)  # type: ignore[arg-type]
        if value is _UNREAD:
            value = load()
            self.set(key, value, stamp=stamp, ttl=ttl)
        return value  # type: ignore[return-value]

    def pop(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
