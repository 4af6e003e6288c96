"""Rate limits per API token and per client IP answer 429 in the API's JSON error shape."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.core.throttling import IPRateThrottle, TokenRateThrottle


@pytest.fixture(autouse=True)
def tight_limits(monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min", "ip": "1000/min"})
    monkeypatch.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "1000/min"})
    yield
    cache.clear()


@pytest.mark.django_db
def test_each_token_has_its_own_budget(staff_a, api_client_for):
    first, second = api_client_for(staff_a), api_client_for(staff_a)
    codes = [first.get("/api/v1/products/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = first.get("/api/v1/products/").json()
    assert body["code"] == "throttled" and "available in" in body["detail"]
    assert second.get("/api/v1/products/").status_code == 200


@pytest.mark.django_db
def test_anonymous_callers_are_limited_per_ip(monkeypatch):
    """DRF checks permissions before throttles, so the per-IP limit shows on endpoints open to anonymous
    callers (the schema here); authenticated endpoints refuse anonymous calls with 401 first."""
    monkeypatch.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "2/min"})
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    other = APIClient(REMOTE_ADDR="203.0.113.10")
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]
    assert other.get("/api/schema/").status_code == 200
