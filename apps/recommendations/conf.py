"""Recommendation settings: defaults here, overridable with a RECOMMENDATIONS dict in Django settings."""
from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # How long a computed answer is served from the cache (a new event of the shopper drops it sooner).
    "CACHE_SECONDS": 600,
    # The current session's last N product events drive the session boost.
    "SESSION_EVENTS": 10,
    "SESSION_SECONDS": 4 * 3600,
    # Categories (path prefixes) people buy again and again: purchases there are not filtered out.
    "REPLENISHABLE_CATEGORIES": ("Home > Decor > Candles", "Stationery > Greeting Cards"),
    # The shopper's most recent events read per request (fold-in and filters).
    "HISTORY_EVENTS": 300,
    "MAX_LIMIT": 50,
}


def setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "RECOMMENDATIONS", {})}[name]
