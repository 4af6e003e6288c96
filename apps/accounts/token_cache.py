"""A per-process cache of bearer-token lookups, dropped everywhere the moment a token changes.

Looking a token up (hash, join to its user) was half of a cached recommendations request. Each
process keeps what it found for API_TOKEN_CACHE_SECONDS; a shared version number in the Django
cache (Redis in production) is bumped whenever a token or a user changes (revocation, new scopes,
deactivation, role change), and an entry read under an older version is looked up again. So a
revoked token is refused by every process on its next request, at the price of one cache read.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.accounts.models import ApiToken, User, hash_token
from apps.core.process_cache import ProcessCache, SharedGeneration

VERSION_KEY = "accounts:api-token-version"
MAX_ENTRIES = 10_000

# Read on every lookup (check_seconds 0): a revoked token must be refused by every process at once.
_version = SharedGeneration(VERSION_KEY)
# token hash -> (token's field values, user's field values)
_entries: ProcessCache[str, tuple[dict[str, Any], dict[str, Any]]] = ProcessCache(
    ttl=lambda: settings.API_TOKEN_CACHE_SECONDS, max_entries=MAX_ENTRIES, generation=_version
)


def _bump() -> None:
    _version.bump()


def invalidate() -> None:
    """Make every process look tokens up again: now, and once more when the change commits (so no
    process can re-cache the row as it was before the transaction)."""
    _bump()
    transaction.on_commit(_bump)


def clear_local() -> None:
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
    if settings.API_TOKEN_CACHE_SECONDS <= 0:
        _entries.pop(key)
        return ApiToken.find_active(raw)
    stamp = _entries.stamp()
    cached = _entries.get(key, stamp=stamp)
    if cached is not None:
        token = _rebuild(ApiToken, cached[0])
        token.user = _rebuild(User, cached[1])
        return token
    token = ApiToken.find_active(raw)
    if token is None:  # unknown, revoked or expired: not remembered
        return None
    _entries.set(key, (_values(token, ApiToken), _values(token.user, User)), stamp=stamp)
    return token


def note_used(token: ApiToken, when: datetime) -> None:
    """Remember a touched last_used_at so the cached copy does not touch the row again at once."""
    cached = _entries.peek(token.key_hash)
    if cached is not None:
        cached[0]["last_used_at"] = when
