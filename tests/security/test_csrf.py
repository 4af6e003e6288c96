"""Every POST form the portal renders refuses a submission without its CSRF token (403).

The forms are found by rendering every registered portal page (tests/portal/test_routes.py) for a
platform admin and for merchant staff, so a new form is covered as soon as its page is registered.
"""
from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.conftest import shop_a, shop_b  # noqa: F401  (fixtures)
from tests.portal.test_routes import PLATFORM_ROUTES, ROUTES, url_for

pytestmark = pytest.mark.django_db

FORM_RE = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


def _post_form_targets(html: str, page_url: str) -> set[str]:
    targets = set()
    for match in FORM_RE.finditer(html):
        attrs = {k.lower(): unescape(v) for k, v in ATTR_RE.findall(match.group(1))}
        if attrs.get("method", "get").lower() == "post":
            action = attrs.get("action") or page_url
            if action.startswith("/"):
                targets.add(action.split("#")[0])
    return targets


def _page_urls(shop) -> list[str]:
    urls = [url_for(name, shop) for name in ROUTES]
    for name, route in PLATFORM_ROUTES.items():
        if route.method == "get":
            urls.append(reverse(name, kwargs=route.kwargs() if route.kwargs else None))
    return urls


def test_every_portal_post_form_requires_the_csrf_token(shop_a, staff_a, platform_admin):  # noqa: F811
    targets: dict[str, object] = {}
    urls = _page_urls(shop_a)
    for user in (platform_admin, staff_a):
        browser = Client()
        browser.force_login(user)
        for url in urls:
            response = browser.get(url)
            if response.status_code == 200:
                for target in _post_form_targets(response.content.decode(), url):
                    targets.setdefault(target, user)
    assert len(targets) >= 10, sorted(targets)
    for target, user in sorted(targets.items(), key=lambda item: item[0]):
        attacker = Client(enforce_csrf_checks=True)
        attacker.force_login(user)
        response = attacker.post(target, {"action": "x", "name": "x"})
        assert response.status_code == 403, (target, response.status_code)
        assert b"CSRF" in response.content


def test_sign_in_and_out_need_the_token(staff_a):
    attacker = Client(enforce_csrf_checks=True)
    assert attacker.post(reverse("login"), {"username": "staff_a", "password": "pass12345"}).status_code == 403
    attacker.force_login(staff_a)
    assert attacker.post(reverse("logout")).status_code == 403


def test_a_form_with_its_token_is_accepted(staff_a):
    """The refusal above is the missing token, not the form: the same sign-in with the token works."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = browser.post(reverse("login"), {"username": "staff_a", "password": "pass12345", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
