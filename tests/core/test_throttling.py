"""The site-wide rate limits (per API token, per client IP): one throttle, DRF's default, answering 429
in the API's JSON error shape with Retry-After, in one Redis round trip per request (one cache read
and one write on other caches)."""
import pytest
import redis
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.core.throttling import IPRateThrottle, TokenRateThrottle, gcra_admit
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tight_limits(monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min", "ip": "1000/min"})
    monkeypatch.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "1000/min"})
    yield monkeypatch
    cache.clear()


def _client(user, ip: str) -> APIClient:
    api = APIClient(REMOTE_ADDR=ip)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user)[1]}")
    return api


def test_each_token_has_its_own_budget(staff_a, api_client_for):
    first, second = api_client_for(staff_a), api_client_for(staff_a)
    codes = [first.get("/api/v1/products/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = first.get("/api/v1/products/").json()
    assert body["code"] == "throttled" and "available in" in body["detail"]
    assert second.get("/api/v1/products/").status_code == 200


def test_a_tokens_budget_is_shared_by_every_endpoint(staff_a, api_client_for):
    client = api_client_for(staff_a)
    recommendations = reverse("recommendations-user", kwargs={"external_id": "NOBODY"})
    assert client.get("/api/v1/products/").status_code == 200
    assert client.get("/api/v1/orders/").status_code == 200
    assert client.get(recommendations).status_code == 404  # counted all the same
    assert client.get(recommendations).status_code == 429
    assert client.get("/api/v1/orders/").status_code == 429


def test_a_refusal_says_when_to_retry(staff_a, api_client_for):
    client = api_client_for(staff_a)
    for _ in range(3):
        client.get("/api/v1/products/")
    refused = client.get("/api/v1/products/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_anonymous_callers_are_limited_per_ip(tight_limits):
    """DRF checks permissions before throttles, so the per-IP limit shows on endpoints open to anonymous
    callers (the schema here); authenticated endpoints refuse anonymous calls with 401 first."""
    tight_limits.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "2/min"})
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    other = APIClient(REMOTE_ADDR="203.0.113.10")
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]
    assert other.get("/api/schema/").status_code == 200


def test_every_token_from_one_address_shares_its_ip_budget(staff_a, staff_b, tight_limits):
    tight_limits.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "2/min"})
    here_a, here_b = _client(staff_a, "203.0.113.20"), _client(staff_b, "203.0.113.20")
    elsewhere = _client(staff_a, "203.0.113.21")
    assert here_a.get("/api/v1/products/").status_code == 200
    assert here_b.get("/api/v1/products/").status_code == 200
    refused = here_a.get("/api/v1/products/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert here_b.get("/api/v1/products/").status_code == 429
    assert elsewhere.get("/api/v1/products/").status_code == 200


def test_a_request_refused_by_its_token_still_counts_against_its_address(staff_a, tight_limits):
    """DRF's semantics for two throttles, kept by the one that checks both."""
    tight_limits.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "1/min", "ip": "1000/min"})
    tight_limits.setattr(IPRateThrottle, "THROTTLE_RATES", {"token": "1000/min", "ip": "3/min"})
    spent, fresh = _client(staff_a, "203.0.113.30"), _client(staff_a, "203.0.113.30")
    assert [spent.get("/api/v1/products/").status_code for _ in range(3)] == [200, 429, 429]
    assert fresh.get("/api/v1/products/").status_code == 429  # the address's three requests are used up


def test_a_rate_admits_its_burst_then_one_request_per_interval():
    arrival, admitted = None, 0
    for _ in range(5):  # 3 a minute, all at t=0
        after, wait = gcra_admit(arrival, 0.0, interval=20.0, period=60.0)
        if wait is None:
            arrival, admitted = after, admitted + 1
    assert admitted == 3 and wait == pytest.approx(20.0)
    assert gcra_admit(arrival, 20.0, interval=20.0, period=60.0)[1] is None  # one interval later, one more
    assert gcra_admit(arrival, 19.0, interval=20.0, period=60.0)[1] == pytest.approx(1.0)
    assert gcra_admit(arrival, 500.0, interval=20.0, period=60.0) == (520.0, None)  # idle: the burst is back


def test_with_redis_both_limits_are_one_round_trip(staff_a, api_client_for, monkeypatch):
    require_service(isinstance(caches["default"], RedisCache), "Redis (the cache is Redis where REDIS_URL is set)")
    scripts, plain = [], []
    real_evalsha, real_execute = redis.Redis.evalsha, redis.Redis.execute_command

    def evalsha(self, sha, numkeys, *keys_and_args):
        scripts.append(keys_and_args[:numkeys])
        return real_evalsha(self, sha, numkeys, *keys_and_args)

    def execute_command(self, *args, **options):
        if any("gcra_" in str(arg) for arg in args[1:]) and args[0] != "EVALSHA":
            plain.append(args[0])
        return real_execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "evalsha", evalsha)
    monkeypatch.setattr(redis.Redis, "execute_command", execute_command)
    client = api_client_for(staff_a)
    assert [client.get("/api/v1/products/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert len(scripts) == 4 and not plain
    assert all({key.split("_")[-2] for key in keys} == {"token", "ip"} for keys in scripts)


def test_without_redis_both_limits_cost_one_cache_read_and_one_write(staff_a, api_client_for, monkeypatch):
    backend = LocMemCache("throttle-test", {})  # a laptop's cache, whatever this run's is
    for part in (TokenRateThrottle, IPRateThrottle):
        monkeypatch.setattr(part, "cache", backend)
    calls: list[tuple[str, tuple[str, ...]]] = []
    depth = [0]  # locmem's get_many calls its own get: count the outer call only, as Redis would see it
    for name in ("get", "set", "get_many", "set_many", "add", "incr", "delete"):
        original = getattr(backend, name)

        def record(key_or_keys, *args, _name=name, _original=original, **kwargs):
            if not depth[0]:
                keys = tuple(key_or_keys) if isinstance(key_or_keys, list | dict) else (key_or_keys,)
                calls.append((_name, keys))
            depth[0] += 1
            try:
                return _original(key_or_keys, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(backend, name, record)
    client = api_client_for(staff_a)
    assert client.get("/api/v1/products/").status_code == 200
    throttle_calls = [(name, keys) for name, keys in calls if any(key.startswith("gcra_") for key in keys)]
    assert [name for name, _ in throttle_calls] == ["get_many", "set_many"]
    assert all({key.split("_")[1] for key in keys} == {"token", "ip"} for _, keys in throttle_calls)
