"""/health (liveness: no dependency calls) and /ready (database, Redis, channel layer) for load balancers."""
import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.core import health


def test_health_answers_without_touching_any_dependency(client, monkeypatch):
    def forbidden():
        raise AssertionError("liveness must not call dependencies")

    for check in ("check_database", "check_redis", "check_channel_layer", "check_celery", "check_models"):
        monkeypatch.setattr(health, check, forbidden)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_reports_every_dependency(client):
    response = client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert set(body["checks"]) == {"database", "redis", "channel_layer", "celery", "models"}
    assert all(body["checks"][name]["ok"] for name in ("database", "redis", "channel_layer"))
    assert body["status"] in {"ok", "degraded"}


@pytest.mark.django_db
def test_database_down_makes_ready_503_and_health_stays_200(client, monkeypatch):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert "connection refused" in response.json()["checks"]["database"]["error"]
    assert client.get("/health").status_code == 200


@pytest.mark.django_db
def test_broken_redis_url_makes_ready_503_and_health_stays_200(client, settings):
    broken = "redis://127.0.0.1:1/0"
    settings.REDIS_URL = broken
    layers = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [broken]}}}
    with override_settings(CHANNEL_LAYERS=layers):
        response = client.get("/ready")
        assert client.get("/health").status_code == 200
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["ok"] is False
    assert checks["channel_layer"]["ok"] is False
    assert checks["database"]["ok"] is True


@pytest.mark.django_db
def test_no_celery_worker_is_degraded_not_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_celery", lambda: {"mode": "worker", "workers": 0, "names": []})
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db
def test_model_providers_are_reported(client, monkeypatch):
    monkeypatch.setattr(health, "MODEL_STATUS_PROVIDERS", [lambda: {"fraud": {"status": "production", "version": 3}}])
    assert client.get("/ready").json()["checks"]["models"]["models"] == {"fraud": {"status": "production", "version": 3}}


@pytest.mark.django_db
def test_services_check_exits_non_zero_when_database_down(monkeypatch, capsys):
    monkeypatch.setattr(health, "check_database", lambda: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(SystemExit) as exit_info:
        call_command("services_check")
    assert exit_info.value.code == 1
    assert "DOWN" in capsys.readouterr().out
