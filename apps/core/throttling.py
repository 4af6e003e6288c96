"""The site-wide rate limits: per API token (or per user for session callers) and per client IP.

`RateThrottle` is the DRF default (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]). `TokenRateThrottle`
and `IPRateThrottle` say what each limit counts (their cache keys, scopes "token" and "ip", rates
from DEFAULT_THROTTLE_RATES); `RateThrottle` checks both at once and keeps DRF's semantics for the
pair: a request refused by one limit still counts against the other, and the wait (the 429's
Retry-After) is the longest of the refusals.

Each limit is a generic cell rate algorithm (GCRA): its state is one number, the theoretical
arrival time of the next request; a rate of N per period admits bursts of up to N and then one
request per period/N. DRF's own throttles keep the timestamp of every request of the period
instead, unpickled, filtered and pickled again on each request: at the default 6,000 a minute
that is 6,000 floats per request per limit. With Redis as the cache both limits are one Lua
script, one round trip, atomic; other caches (local memory) read and write both in one
`get_many` and one `set_many`.
"""
from __future__ import annotations

import math

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

# KEYS: the limits' keys. ARGV: now, then per key its interval (period / N) and period. Returns per
# key the seconds to wait ("" when admitted); admitted keys get their new arrival time, so a request
# refused by one limit still counts against the others.
_GCRA_SCRIPT = """
local now = tonumber(ARGV[1])
local waits, admitted = {}, {}
for i, key in ipairs(KEYS) do
  local interval, period = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local arrival = math.max(tonumber(redis.call('GET', key) or '0') or 0, now) + interval
  if arrival - now > period then
    waits[i] = tostring(arrival - now - period)
  else
    waits[i] = ''
    admitted[i] = arrival
  end
end
for i, key in ipairs(KEYS) do
  if admitted[i] then
    redis.call('SET', key, string.format('%.6f', admitted[i]), 'PX', math.ceil((admitted[i] - now) * 1000) + 1)
  end
end
return waits
"""


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"
    cache_format = "gcra_%(scope)s_%(ident)s"  # not DRF's "throttle_" keys, which hold request histories

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
    cache_format = TokenRateThrottle.cache_format

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def gcra_admit(arrival: float | None, now: float, *, interval: float, period: float) -> tuple[float | None, float | None]:
    """(the next theoretical arrival time, None) when admitted, (None, seconds to wait) when refused."""
    after = max(arrival if arrival is not None else now, now) + interval
    if after - now > period:
        return None, after - now - period
    return after, None


class RateThrottle(BaseThrottle):
    """Both limits of `part_classes` in one cache round trip with Redis (a read and a write otherwise)."""

    part_classes: tuple[type[SimpleRateThrottle], ...] = (TokenRateThrottle, IPRateThrottle)

    def __init__(self) -> None:
        self.parts = [cls() for cls in self.part_classes]
        self.waits: list[float] = []

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
        cache, now = active[0].cache, active[0].timer()
        if cache is default_cache:  # DRF's default is the proxy; the backend says whether it is Redis
            cache = caches[DEFAULT_CACHE_ALIAS]
        limits = [(part.key, part.duration / part.num_requests, float(part.duration)) for part in active]
        waits = _admit_redis(cache, limits, now) if isinstance(cache, RedisCache) else _admit_generic(cache, limits, now)
        self.waits = [wait for wait in waits if wait is not None]
        return not self.waits

    def wait(self) -> float | None:
        return max(self.waits, default=None)


def _admit_generic(cache, limits: list[tuple[str, float, float]], now: float) -> list[float | None]:
    found = cache.get_many([key for key, _, _ in limits])
    waits, writes = [], {}
    for key, interval, period in limits:
        arrival, wait = gcra_admit(found.get(key), now, interval=interval, period=period)
        waits.append(wait)
        if arrival is not None:
            writes[key] = arrival
    if writes:
        cache.set_many(writes, math.ceil(max(writes.values()) - now) + 1)
    return waits


def _admit_redis(cache: RedisCache, limits: list[tuple[str, float, float]], now: float) -> list[float | None]:
    script = cache._cache.get_client(write=True).register_script(_GCRA_SCRIPT)  # EVALSHA; loads it if Redis lacks it
    args = [repr(now)] + [repr(value) for _, interval, period in limits for value in (interval, period)]
    replies = script(keys=[cache.make_and_validate_key(key) for key, _, _ in limits], args=args)
    return [float(reply) if reply else None for reply in replies]
