"""Integration tests talk to the real services: Redis for Celery and Channels, PostgreSQL for data.

On a laptop without REDIS_URL they skip; under CI=true a missing service fails the run.
"""
import pytest
from django.conf import settings

from tests.conftest import require_service


def _redis_up() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_required():
    require_service(_redis_up(), "Redis (REDIS_URL)")


@pytest.fixture
def postgres_required():
    require_service(settings.USING_POSTGRES, "PostgreSQL (DATABASE_URL)")
