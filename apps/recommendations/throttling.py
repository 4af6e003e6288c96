"""The site-wide rate limits (per API token, per client IP) checked together: two cache round trips, not four.

DRF checks each throttle on its own: a read and a write of its request history each, so the two
limits cost four cache round trips per request, a fifth of a cached recommendation's 20 ms budget.
This throttle reads both histories in one `get_many` and writes them back in one `set_many`, with
the same keys, windows and rates as apps.core.throttling's classes (so a token's budget is shared
with every other endpoint) and DRF's semantics: a request refused by one limit still counts
against the other, and the wait is the longest of the refusals.
"""
from __future__ import annotations

from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from apps.core.throttling import IPRateThrottle, TokenRateThrottle


class CombinedRateThrottle(BaseThrottle):
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
        for duration, values in writes.items():
            cache.set_many(values, duration)
        return not self.refused

    def wait(self) -> float | None:
        waits = [wait for wait in (part.wait() for part in self.refused) if wait is not None]
        return max(waits, default=None)
