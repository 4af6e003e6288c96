"""The Redis channel layer, surviving the race between its blocking reads and redis-py's read timeout.

channels-redis waits for a socket's next message with BZPOPMIN blocking up to 5 s, and redis-py
(8.x) gives up on a read after 5 s by default. The two race: when the read timeout wins, the
layer's `receive` raises redis's TimeoutError, and Channels ends the consumer, so a shopper idle
for about five seconds lost the socket. Here `receive` simply waits again: messages sent after
the timeout wait in Redis for it. (A message Redis handed over in the very instant the read gave
up goes with the dropped connection, as it did when the consumer died.) Shortening the layer's
wait or lengthening the socket timeout instead made cancelled receives hang when an event loop
shut down (the test suite stalled at a module's end), so the layer's own timings are left alone.
"""
from __future__ import annotations

import asyncio

import redis
from channels_redis.core import RedisChannelLayer


class RetryingRedisChannelLayer(RedisChannelLayer):
    async def receive(self, channel: str) -> dict:
        while True:
            try:
                return await super().receive(channel)
            except redis.exceptions.TimeoutError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():  # a cancellation that surfaced as the timeout
                    raise asyncio.CancelledError from None
