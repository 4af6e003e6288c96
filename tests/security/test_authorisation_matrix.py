"""The authorisation matrix over every registered URL, every HTTP method: anonymous callers,
customers, another merchant's staff and the wrong role are refused; the generated registries
(tests/api/routes.py, tests/portal/test_routes.py) list the routes, so a new one is covered at once.
(Tenancy of reads, and the right role's access, are tested by tests/api/test_tenancy.py and
tests/portal/test_routes.py; this file adds every method, and the portal's writes.)"""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.routes import (
    ACTION_ROUTES,
    DETAIL_ROUTES,
    LIST_ROUTES,
    PLATFORM_DETAIL_ROUTES,
    PLATFORM_LIST_ROUTES,
    api_route_names,
)
from tests.portal.conftest import shop_a, shop_b  # noqa: F401  (fixtures)
from tests.portal.test_routes import PLATFORM_ROUTES, ROUTES, url_for

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def _api_urls(merchant):
    for name in {**LIST_ROUTES, **PLATFORM_LIST_ROUTES}:
        yield name, reverse(name)
    for name, case in {**DETAIL_ROUTES, **PLATFORM_DETAIL_ROUTES}.items():
        yield name, reverse(name, kwargs={case.key: getattr(case.make(merchant), case.key)})
    for name in ACTION_ROUTES:
        yield name, reverse(name)


def test_registries_cover_every_api_route():
    covered = LIST_ROUTES.keys() | DETAIL_ROUTES.keys() | PLATFORM_LIST_ROUTES.keys() | PLATFORM_DETAIL_ROUTES.keys()
    assert api_route_names() <= covered | ACTION_ROUTES.keys()


def test_anonymous_and_customers_are_refused_every_api_method(merchant_a, api_client_for, customer_user):
    anonymous, customer = api_client_for(None), api_client_for(customer_user)
    for name, url in _api_urls(merchant_a):
        for method in METHODS:
            assert getattr(anonymous, method)(url, {}, format="json").status_code in (401, 405), (name, method)
            assert getattr(customer, method)(url, {}, format="json").status_code in (403, 405), (name, method)


def test_other_merchants_objects_are_not_found_for_every_method(merchant_a, merchant_b, api_b):
    """Staff of B, on A's objects: 404 (or 405 for a method the route lacks), never 200 or 403."""
    for name, case in DETAIL_ROUTES.items():
        if not case.merchant_owned:
            continue
        url = reverse(name, kwargs={case.key: getattr(case.make(merchant_a), case.key)})
        for method in METHODS:
            status = getattr(api_b, method)(url, case.body or {}, format="json").status_code
            assert status in (404, 405), (name, method, status)


def test_platform_routes_refuse_merchant_staff_for_every_method(merchant_a, api_a, platform_admin):
    for name, case in {**PLATFORM_LIST_ROUTES, **PLATFORM_DETAIL_ROUTES}.items():
        kwargs = {case.key: getattr(case.make(merchant_a), case.key)} if name in PLATFORM_DETAIL_ROUTES else None
        url = reverse(name, kwargs=kwargs)
        for method in METHODS:
            assert getattr(api_a, method)(url, case.body or {}, format="json").status_code in (403, 405), (name, method)


@pytest.mark.parametrize("role", ["analyst", "agent"])
def test_read_only_roles_cannot_change_merchant_data(role, request, merchant_a, api_client_for):
    """Fraud analysts and support agents read every merchant's data but change none of it."""
    client = api_client_for(request.getfixturevalue(role))
    for name in ("product-detail", "customer-detail", "order-transition"):
        case = DETAIL_ROUTES[name]
        url = reverse(name, kwargs={case.key: getattr(case.make(merchant_a), case.key)})
        for method in ("post", "patch", "delete"):
            assert getattr(client, method)(url, case.body or {"title": "x"}, format="json").status_code in (403, 405)


def test_portal_writes_are_refused_to_anonymous_customers_and_staff_of_platform_pages(
    shop_a, customer_user, staff_a  # noqa: F811
):
    """POSTing to any portal page: anonymous is sent to sign in, customers get 403, and merchant
    staff get 403 on the platform pages."""
    customer, staff = Client(), Client()
    customer.force_login(customer_user)
    staff.force_login(staff_a)
    for name in ROUTES:
        url = url_for(name, shop_a)
        assert Client().post(url, {"action": "x"}).status_code in (302, 405), name
        assert customer.post(url, {"action": "x"}).status_code in (403, 405), name
    for name, route in PLATFORM_ROUTES.items():
        url = reverse(name, kwargs=route.kwargs() if route.kwargs else None)
        assert staff.post(url, {"action": "x"}).status_code in (403, 405), name
        assert customer.post(url, {"action": "x"}).status_code in (403, 405), name
