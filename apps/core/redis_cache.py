"""Django's Redis cache with one connection pool (and client) per process and server, not per thread.

Django keeps cache backends per thread (`django.core.cache.caches` is thread-local), and the stock
Redis backend gives each of them its own client and connection pool. Under ASGI every request runs
its synchronous code in a fresh thread (asgiref's ThreadSensitiveContext), so each request built a
new pool and opened new TCP connections to Redis: py-spy on a uvicorn worker under the load bench
found 12% of its samples opening Redis connections (connect, handshake, even redis-py's
importlib.metadata version lookup for CLIENT SETINFO). redis-py's pools and clients are
thread-safe, so one per process and server is what they are made for. After a fork redis-py's
pool notices the new pid and drops the parent's connections itself.
"""
from __future__ import annotations

import threading

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[tuple[str, str], redis.Redis] = {}
_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write: bool = False) -> redis.Redis:
        server = self._servers[self._get_connection_pool_index(write)]
        shared = (server, repr(sorted(self._pool_options.items(), key=lambda item: item[0])))
        client = _clients.get(shared)
        if client is None:
            with _lock:
                client = _clients.get(shared)
                if client is None:
                    client = self._client(connection_pool=self._pool_class.from_url(server, **self._pool_options))
                    _clients[shared] = client
        return client


class SharedPoolRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, sharing its connections across the process's threads."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient
