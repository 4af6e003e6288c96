"""API token scopes (a storefront's `score` token reaches the storefront routes only), immediate
revocation through the per-process lookup cache, and `create_api_token --scopes`."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts import token_cache
from apps.accounts.models import ApiToken
from apps.accounts.scopes import ADMIN, READ, SCORE, SCORE_ROUTES, WRITE, parse_scopes, scope_allows
from tests.api.routes import (
    ACTION_ROUTES,
    DETAIL_ROUTES,
    LIST_ROUTES,
    PLATFORM_DETAIL_ROUTES,
    PLATFORM_LIST_ROUTES,
    api_route_names,
)

pytestmark = pytest.mark.django_db


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _token(user, *scopes: str) -> APIClient:
    return _client(ApiToken.issue(user=user, scopes=list(scopes))[1])


@pytest.mark.parametrize(
    ("scopes", "route", "method", "allowed"),
    [
        ({SCORE}, "fraud-score", "POST", True),
        ({SCORE}, "event-list", "POST", True),
        ({SCORE}, "recommendations-user", "GET", True),
        ({SCORE}, "search", "GET", True),
        ({SCORE}, "chat-token", "POST", True),
        ({SCORE}, "order-list", "GET", False),
        ({SCORE}, "product-detail", "PATCH", False),
        ({SCORE}, "fraud-case-decide", "POST", False),
        ({READ}, "order-list", "GET", True),
        ({READ}, "order-transition", "POST", False),
        ({READ}, "fraud-score", "POST", False),
        ({READ, WRITE}, "order-transition", "POST", True),
        ({READ, WRITE}, "modelversion-list", "GET", False),
        ({READ, WRITE}, "fraud-rule-detail", "PATCH", False),
        ({READ, ADMIN}, "modelversion-list", "GET", True),
        ({READ, ADMIN}, "modelversion-promote", "POST", False),
        ({READ, WRITE, ADMIN}, "modelversion-promote", "POST", True),
    ],
)
def test_scope_matrix(scopes, route, method, allowed):
    assert scope_allows(scopes, route=route, method=method) is allowed


def test_score_routes_all_exist():
    assert SCORE_ROUTES <= api_route_names() | {"recommendations-explain", "chat-messages"}


def _every_non_storefront_call(merchant):
    """(url, method, body) for every registered /api/v1/ route outside the storefront's routes."""
    for name, case in {**LIST_ROUTES, **PLATFORM_LIST_ROUTES}.items():
        if name not in SCORE_ROUTES:
            case.make(merchant)
            yield name, reverse(name), case.method, case.body
    for name, case in {**DETAIL_ROUTES, **PLATFORM_DETAIL_ROUTES}.items():
        if name not in SCORE_ROUTES:
            obj = case.make(merchant)
            yield name, reverse(name, kwargs={case.key: getattr(obj, case.key)}), case.method, case.body
    for name, action in ACTION_ROUTES.items():
        if name not in SCORE_ROUTES:
            yield name, reverse(name), "post", action.body(merchant)


def test_score_token_is_refused_everywhere_but_the_storefront_routes(merchant_a, platform_admin):
    client = _token(platform_admin, SCORE)
    calls = list(_every_non_storefront_call(merchant_a))
    assert len(calls) > 40
    for name, url, method, body in calls:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (name, response.status_code)
        assert "scopes" in response.json()["detail"]


def test_score_token_reaches_the_storefront_routes(merchant_a, staff_a):
    from tests.api.routes import _score_body

    client = _token(staff_a, SCORE)
    assert client.post(reverse("fraud-score"), _score_body(merchant_a), format="json").status_code == 201
    assert client.get(reverse("search"), {"q": "mug"}).status_code == 200
    assert client.get(reverse("order-list")).status_code == 403


def test_read_token_reads_but_does_not_write(merchant_a, staff_a):
    from tests import factories

    order = factories.OrderFactory(merchant=merchant_a)
    client = _token(staff_a, READ)
    assert client.get(reverse("order-detail", kwargs={"number": order.number})).status_code == 200
    refused = client.post(reverse("order-transition", kwargs={"number": order.number}), {"status": "paid"}, format="json")
    assert refused.status_code == 403


def test_scopes_never_grant_more_than_the_role(customer_user):
    client = _token(customer_user, READ, WRITE, SCORE, ADMIN)
    assert client.get(reverse("order-list")).status_code == 403


def test_revoked_token_is_refused_at_once_even_when_cached(staff_a):
    token, raw = ApiToken.issue(user=staff_a)
    client = _client(raw)
    url = reverse("order-list")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("accounts_apitoken" in q["sql"] and "key_hash" in q["sql"] for q in queries.captured_queries)
    token.revoke()
    assert client.get(url).status_code == 401


def test_revocation_reaches_other_processes_through_the_shared_version(staff_a):
    """Another process revoking: only the shared version changes, this process's entry is stale."""
    token, raw = ApiToken.issue(user=staff_a)
    client = _client(raw)
    url = reverse("order-list")
    assert client.get(url).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")  # no signal in this process
    assert client.get(url).status_code == 200  # still cached: nobody announced the change
    token_cache._bump()  # what the other process's revoke() did
    assert client.get(url).status_code == 401


def test_deactivated_user_and_changed_scopes_take_effect_at_once(staff_a):
    token, raw = ApiToken.issue(user=staff_a)
    client = _client(raw)
    url = reverse("order-list")
    assert client.get(url).status_code == 200
    token.scopes = [SCORE]
    token.save()
    assert client.get(url).status_code == 403
    staff_a.is_active = False
    staff_a.save()
    assert client.get(url).status_code == 401


def test_create_api_token_with_scopes(staff_a):
    out = StringIO()
    call_command("create_api_token", "--user", "staff_a", "--scopes", "score", stdout=out)
    raw = out.getvalue().strip()
    assert ApiToken.find_active(raw).scopes == [SCORE]
    assert _client(raw).get(reverse("order-list")).status_code == 403
    with pytest.raises(CommandError, match="Unknown"):
        call_command("create_api_token", "--user", "staff_a", "--scopes", "read,everything")


def test_parse_scopes():
    assert parse_scopes(" score, read ,score") == [READ, SCORE]
    with pytest.raises(ValueError):
        parse_scopes("")
