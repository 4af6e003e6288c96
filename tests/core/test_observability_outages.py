"""A database error during a request answers 503 with Retry-After (JSON for the API, a short page otherwise)."""
import pytest
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("urls")]


@pytest.fixture
def urls():
    with override_settings(ROOT_URLCONF="tests.core.observability_urls"):
        yield


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


def test_api_database_error_is_503_json_with_retry_after(browser):
    response = browser.get("/api/down")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"
    assert "Traceback" not in response.content.decode()
    assert response["X-Request-ID"]


def test_portal_database_error_is_a_short_page(browser):
    response = browser.get("/portal/down")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Temporarily unavailable" in body and "Connection refused" not in body and "Traceback" not in body


def test_other_errors_stay_500_without_details(browser):
    response = browser.get("/api/bug")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "server_error", "errors": {}}
