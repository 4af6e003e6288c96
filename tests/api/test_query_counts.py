"""A list page costs the same number of queries whatever its length (no N+1 in any serializer)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.api.routes import LIST_ROUTES


def _member_merchant(user):
    return factories.MembershipFactory(user=user).merchant


def _queries_for_page(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("name", sorted(LIST_ROUTES))
def test_list_query_count_does_not_grow_with_rows(name, merchant_a, staff_a, api_a):
    make = LIST_ROUTES[name].make
    url = reverse(name)
    # Merchants are the rows of their own list (and of risk settings, one per merchant): staff_a
    # needs memberships to see more of them.
    per_merchant = name in {"merchant-list", "fraud-risk-settings-list"}
    extra_row = (lambda: _member_merchant(staff_a)) if per_merchant else (lambda: make(merchant_a))
    for _ in range(3):
        extra_row()
    _queries_for_page(api_a, url)  # warm-up: the token's last-used stamp is written once a minute
    few = _queries_for_page(api_a, url)
    for _ in range(12):
        extra_row()
    # Warm again: new rows drop per-process copies (search keeps category paths and merchant slugs
    # per process, apps/search/memo.py), which the first request after a write reloads once.
    _queries_for_page(api_a, url)
    many = _queries_for_page(api_a, url)
    assert len(api_a.get(url).json()["results"]) >= 15
    assert many == few

