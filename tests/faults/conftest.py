"""Fault tests run the real services (PostgreSQL, redis-server, uvicorn, a Celery worker) and break them.

On a laptop without DATABASE_URL they skip; under CI=true a missing service fails the run, as in
tests/integration.
"""
import pytest
from django.conf import settings

from tests.conftest import require_service


@pytest.fixture
def postgres_required():
    require_service(settings.USING_POSTGRES, "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def redis_required():
    from tests.integration.conftest import _redis_up

    require_service(_redis_up(), "Redis (REDIS_URL)")
