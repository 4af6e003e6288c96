"""Bearer tokens (issued by the command, revocable) and session login both authenticate the API."""
from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken

URL = "/api/v1/merchants/"


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_bearer_token_authenticates_and_stamps_last_use(staff_a):
    token, raw = ApiToken.issue(user=staff_a)
    response = _bearer(raw).get(URL)
    assert response.status_code == 200
    assert [m["slug"] for m in response.json()["results"]] == ["mugs-more"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_or_wrong_token_is_401(staff_a):
    token, raw = ApiToken.issue(user=staff_a)
    token.revoke()
    assert _bearer(raw).get(URL).status_code == 401
    assert _bearer("ss_not-a-token").get(URL).status_code == 401
    malformed = APIClient()
    malformed.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert malformed.get(URL).status_code == 401


def test_session_login_authenticates(staff_a):
    client = APIClient()
    assert client.login(username="staff_a", password="pass12345")
    assert client.get(URL).status_code == 200


def test_create_api_token_command_prints_a_working_token(staff_a):
    out = StringIO()
    call_command("create_api_token", "--user", "staff_a", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith(ApiToken.PREFIX)
    assert _bearer(raw).get(URL).status_code == 200
