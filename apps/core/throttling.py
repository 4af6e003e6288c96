"""The site-wide rate limits: per API token (or per user for session callers) and per client IP.

`RateThrottle` is the DRF default (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]). It checks both
limits with one cache `get_many` and one `set_many`: DRF's own throttles, one class per limit, each
read and wrote their request history, four cache round trips per API request (a fifth of a cached
recommendation's 20 ms budget). `TokenRateThrottle` and `IPRateThrottle` say what each limit counts
(their cache keys, scopes "token" and "ip", rates from DEFAULT_THROTTLE_RATES); `RateThrottle`
keeps DRF's semantics for the pair: a request refused by one limit still counts against the other,
and the wait (the 429's Retry-After) is the longest of the refusals.
"""
from __future__ import annotations

from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "pk"):
            ident = f"t{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class IPRateThrottle(SimpleRateThrottle):
    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RateThrottle(BaseThrottle):
    """Both limits of `part_classes` in two cache round trips (one when no limit applies)."""

    part_classes: tuple[type[SimpleRateThrottle], ...] = (TokenRateThrottle, IPRateThrottle)

    def __init__(self) -> None:
        self.parts = [cls() for cls in self.part_classes]
        self.refused: list[SimpleRateThrottle] = []

    def allow_request(self, request, view) -> bool:
        active = []
        for part in self.parts:
            if part.rate is None:
                continue
            part.key = part.get_cache_key(request, view)
            if part.key is not None:
                active.append(part)
        if not active:
            return True
        cache = active[0].cache
        found = cache.get_many([part.key for part in active])
        now = active[0].timer()
        writes: dict[int, dict[str, list[float]]] = {}
        self.refused = []
        for part in active:
            part.now = now
            part.history = [moment for moment in found.get(part.key, []) if moment > now - part.duration]
            if len(part.history) >= part.num_requests:
                self.refused.append(part)
                continue
            part.history.insert(0, now)
            writes.setdefault(part.duration, {})[part.key] = part.history
        for duration, values in writes.items():  # one set_many when the windows are equal (the default)
            cache.set_many(values, duration)
        return not self.refused

    def wait(self) -> float | None:
        waits = [wait for wait in (part.wait() for part in self.refused) if wait is not None]
        return max(waits, default=None)
