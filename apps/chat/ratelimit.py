"""Message rate limits: per websocket connection (in the consumer's memory) and per client IP
(a per-minute counter in the shared cache, so every worker counts the same IP together)."""
from __future__ import annotations

import time
from collections import deque

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


class ConnectionRate:
    """At most `per_minute` messages in any sliding 60 seconds on one socket."""

    def __init__(self, per_minute: int | None = None):
        self.per_minute = per_minute or settings.CHAT_CONNECTION_MESSAGES_PER_MINUTE
        self._sent: deque[float] = deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self._sent and now - self._sent[0] > 60:
            self._sent.popleft()
        if len(self._sent) >= self.per_minute:
            return False
        self._sent.append(now)
        return True


def ip_allow(ip: str) -> bool:
    """Count one message from `ip` in this minute; False once over CHAT_IP_MESSAGES_PER_MINUTE (sync: cache I/O)."""
    return _count(f"chat:ip:{ip}:{int(time.time() // 60)}") <= settings.CHAT_IP_MESSAGES_PER_MINUTE


def _count(key: str) -> int:
    """Add one to the minute's counter: the count so far, this message included.

    On Redis one round trip: SET NX (starting the counter at 0 with its expiry unless another
    message or worker did) and INCR, pipelined; the cache API's incr is EXISTS then INCR, two.
    The counter stays a plain integer, as the cache stores ints, so `cache.get(key)` reads it.
    """
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        redis_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(redis_key, write=True).pipeline(transaction=False)
        pipe.set(redis_key, 0, ex=90, nx=True)
        pipe.incr(redis_key)
        return pipe.execute()[1]
    try:
        return cache.incr(key)
    except ValueError:  # the minute's first message from this IP
        return 1 if cache.add(key, 1, timeout=90) else cache.incr(key)  # else: another worker added it first
