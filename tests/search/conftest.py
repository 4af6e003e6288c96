import pytest
from django.core.cache import cache

from apps.search.memo import memo_invalidate


@pytest.fixture(autouse=True)
def _fresh_search_caches(settings):
    """The engine keeps title words, synonyms, names and the prior per process; each test has its own catalog
    (and rolled-back rows send no signal), so every copy is dropped around each test."""
    settings.SEARCH_MEMO_CHECK_SECONDS = 0
    cache.clear()
    memo_invalidate()
    yield
    cache.clear()
    memo_invalidate()
