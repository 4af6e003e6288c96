"""Tenancy and role checks for every /api/v1/ route, generated from the URL conf."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.routes import (
    ACTION_ROUTES,
    DETAIL_ROUTES,
    LIST_ROUTES,
    PLATFORM_DETAIL_ROUTES,
    PLATFORM_LIST_ROUTES,
    api_route_names,
    row_key,
)


def test_every_api_route_is_in_the_registry():
    routes = api_route_names()
    assert {"product-list", "order-transition", "event-list"} <= routes
    missing = routes - LIST_ROUTES.keys() - DETAIL_ROUTES.keys() - PLATFORM_LIST_ROUTES.keys() - PLATFORM_DETAIL_ROUTES.keys()
    missing -= ACTION_ROUTES.keys()
    assert not missing, f"Add these /api/v1/ routes to tests/api/routes.py: {sorted(missing)}"


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("name", sorted(LIST_ROUTES))
def test_list_shows_only_the_callers_merchants(name, merchant_a, merchant_b, staff_a, api_a, api_client_for, platform_admin):
    case = LIST_ROUTES[name]
    mine, theirs = case.make(merchant_a), case.make(merchant_b)
    keys = {row_key(row, case.key) for row in _results(api_a.get(reverse(name)))}
    assert getattr(mine, case.key) in keys
    assert (getattr(theirs, case.key) in keys) is not case.merchant_owned
    admin_keys = {row_key(row, case.key) for row in _results(api_client_for(platform_admin).get(reverse(name)))}
    assert {getattr(mine, case.key), getattr(theirs, case.key)} <= admin_keys


@pytest.mark.parametrize("name", sorted(LIST_ROUTES))
def test_list_refuses_anonymous_and_customers(name, api_client_for, customer_user):
    assert api_client_for(None).get(reverse(name)).status_code == 401
    assert api_client_for(customer_user).get(reverse(name)).status_code == 403


def _call(client, name: str, obj):
    case = DETAIL_ROUTES[name]
    url = reverse(name, kwargs={case.key: getattr(obj, case.key)})
    return getattr(client, case.method)(url, case.body, format="json")


@pytest.mark.parametrize("name", sorted(DETAIL_ROUTES))
def test_detail_answers_404_for_another_merchants_object(name, merchant_a, merchant_b, staff_a, api_a):
    case = DETAIL_ROUTES[name]
    mine, theirs = case.make(merchant_a), case.make(merchant_b)
    assert _call(api_a, name, theirs).status_code == (404 if case.merchant_owned else 200)
    assert _call(api_a, name, mine).status_code == 200


@pytest.mark.parametrize("name", sorted(DETAIL_ROUTES))
def test_detail_refuses_anonymous_and_customers(name, merchant_a, api_client_for, customer_user):
    obj = DETAIL_ROUTES[name].make(merchant_a)
    assert _call(api_client_for(None), name, obj).status_code == 401
    assert _call(api_client_for(customer_user), name, obj).status_code == 403


@pytest.mark.parametrize("name", sorted(PLATFORM_LIST_ROUTES.keys() | PLATFORM_DETAIL_ROUTES.keys()))
def test_platform_route_refuses_merchant_staff_customers_and_anonymous(
    name, merchant_a, api_a, api_client_for, customer_user, platform_admin
):
    detail = name in PLATFORM_DETAIL_ROUTES
    case = (PLATFORM_DETAIL_ROUTES if detail else PLATFORM_LIST_ROUTES)[name]
    obj = case.make(merchant_a)
    url = reverse(name, kwargs={case.key: getattr(obj, case.key)} if detail else None)

    def call(client):
        return getattr(client, case.method)(url, case.body, format="json").status_code

    assert call(api_client_for(None)) == 401
    assert call(api_client_for(customer_user)) == 403
    assert call(api_a) == 403
    assert call(api_client_for(platform_admin)) in (200, 201, 202, 400)


@pytest.mark.parametrize("name", sorted(ACTION_ROUTES))
def test_action_naming_another_merchant_is_the_unknown_merchant_error(
    name, merchant_a, merchant_b, api_a, api_client_for, customer_user
):
    case = ACTION_ROUTES[name]
    url = reverse(name)
    assert api_client_for(None).post(url, case.body(merchant_a), format="json").status_code == 401
    assert api_client_for(customer_user).post(url, case.body(merchant_a), format="json").status_code == 403
    assert api_a.post(url, case.body(merchant_a), format="json").status_code in (200, 201)
    if case.merchant_field:
        theirs = api_a.post(url, case.body(merchant_b), format="json")
        assert theirs.status_code == 400 and case.merchant_field in theirs.json()["errors"]
        assert str(merchant_b.name) not in theirs.content.decode()
