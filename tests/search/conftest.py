import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_search_caches():
    """The engine caches title words and the behaviour prior per process; each test has its own catalog."""
    cache.clear()
    yield
    cache.clear()
