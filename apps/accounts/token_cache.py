"""A per-process cache of bearer-token lookups, dropped everywhere the moment a token changes.

Looking a token up (hash, join to its user) was half of a cached recommendations request. Each
process keeps what it found for API_TOKEN_CACHE_SECONDS; a shared version number in the Django
cache (Redis in production) is bumped whenever a token or a user changes (revocation, new scopes,
deactivation, role change), and an entry read under an older version is looked up again. So a
revoked token is refused by every process on its next request, at the price of one cache read.
"""
from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from apps.accounts.models import ApiToken, User, hash_token

VERSION_KEY = "accounts:api-token-version"
MAX_ENTRIES = 10_000


@dataclass
class _Entry:
    token_values: dict[str, Any]
    user_values: dict[str, Any]
    version: int
    expires: float


_entries: OrderedDict[str, _Entry] = OrderedDict()
_lock = threading.Lock()


def current_version() -> int:
    return cache.get(VERSION_KEY) or 0


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # Missing (first change, or the cache was flushed): a random start cannot repeat a number
        # an entry was stored under, which a restart at 1 could.
        cache.set(VERSION_KEY, random.randrange(1, 2**62), timeout=None)


def invalidate() -> None:
    """Make every process look tokens up again: now, and once more when the change commits (so no
    process can re-cache the row as it was before the transaction)."""
    _bump()
    transaction.on_commit(_bump)


def clear_local() -> None:
    with _lock:
        _entries.clear()


def _values(instance, model) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in model._meta.concrete_fields}


def _rebuild(model, values: dict[str, Any]):
    # A fresh instance per request: per-request caches on the user (its merchant ids) never leak
    # into the next request, and no two threads share one object.
    return model.from_db("default", list(values), list(values.values()))


def lookup(raw: str) -> ApiToken | None:
    """The active token for `raw` (with `.user` set), from this process's cache when still current."""
    key = hash_token(raw)
    ttl = settings.API_TOKEN_CACHE_SECONDS
    version = current_version() if ttl > 0 else 0
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
    if entry is not None and entry.version == version and entry.expires > now:
        token = _rebuild(ApiToken, entry.token_values)
        token.user = _rebuild(User, entry.user_values)
        return token
    token = ApiToken.find_active(raw)
    if token is None or ttl <= 0:
        with _lock:
            _entries.pop(key, None)
        return token
    with _lock:
        _entries[key] = _Entry(_values(token, ApiToken), _values(token.user, User), version, now + ttl)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return token


def note_used(token: ApiToken, when: datetime) -> None:
    """Remember a touched last_used_at so the cached copy does not touch the row again at once."""
    with _lock:
        entry = _entries.get(token.key_hash)
        if entry is not None:
            entry.token_values["last_used_at"] = when
