"""Message rate limits: per websocket connection (in the consumer's memory) and per client IP
(a per-minute counter in the shared cache, so every worker counts the same IP together)."""
from __future__ import annotations

import time
from collections import deque

from django.conf import settings
from django.core.cache import cache


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
    key = f"chat:ip:{ip}:{int(time.time() // 60)}"
    # Increment first: on Redis that is EXISTS + INCR, one round trip fewer than ADD + EXISTS +
    # INCR for every message after the minute's first.
    try:
        count = cache.incr(key)
    except ValueError:  # the minute's first message from this IP
        count = 1 if cache.add(key, 1, timeout=90) else cache.incr(key)  # else: another worker added it first
    return count <= settings.CHAT_IP_MESSAGES_PER_MINUTE
