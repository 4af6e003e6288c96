"""The Redis cache shares one client and connection pool per process: a thread per request (ASGI) opens no new connections."""
from __future__ import annotations

import threading
import uuid

from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from apps.core import redis_cache
from tests.conftest import require_service


def _in_new_thread(work) -> object:
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", work()))
    thread.start()
    thread.join()
    return result["value"]


def test_threads_share_one_client_and_stop_opening_connections():
    require_service(bool(settings.REDIS_URL), "Redis")
    backend = {"BACKEND": "apps.core.redis_cache.SharedPoolRedisCache", "LOCATION": settings.REDIS_URL}
    with override_settings(CACHES={"default": backend}):
        key = f"redis-cache-test:{uuid.uuid4().hex}"

        def request_like():  # as under ASGI: a new thread, so a new backend object from `caches`
            cache = caches["default"]
            cache.set(key, "v", 30)
            assert cache.get(key) == "v"
            return cache, cache._cache.get_client(key)

        first_backend, first_client = _in_new_thread(request_like)
        second_backend, second_client = _in_new_thread(request_like)
        assert first_backend is not second_backend  # Django's per-thread backends...
        assert first_client is second_client  # ...share the process's client and pool
        pool = first_client.connection_pool
        opened = pool._created_connections
        for _ in range(30):
            _in_new_thread(request_like)
        assert pool._created_connections == opened  # sequential requests reuse the pooled connection
        caches["default"].delete(key)


def test_a_pool_per_server_and_options():
    client = redis_cache.SharedPoolRedisCacheClient(["redis://127.0.0.1:6379/3"])
    other_db = redis_cache.SharedPoolRedisCacheClient(["redis://127.0.0.1:6379/4"])
    same = redis_cache.SharedPoolRedisCacheClient(["redis://127.0.0.1:6379/3"])
    assert client.get_client() is same.get_client()  # no connection is opened to build a client
    assert client.get_client() is not other_db.get_client()
