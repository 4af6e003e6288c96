"""/health: what a load balancer reads."""
import pytest
from django.core.management import call_command

from apps.core import health


@pytest.mark.django_db
def test_health_ok_reports_every_dependency(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body["checks"]) == {"database", "redis", "celery", "models"}
    assert body["checks"]["database"]["ok"] is True
    assert body["status"] in {"ok", "degraded"}


@pytest.mark.django_db
def test_database_down_answers_503(client, monkeypatch):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert "connection refused" in response.json()["checks"]["database"]["error"]


@pytest.mark.django_db
def test_unreachable_redis_answers_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.django_db
def test_no_celery_worker_is_degraded_not_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_celery", lambda: {"mode": "worker", "workers": 0, "names": []})
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db
def test_model_providers_are_reported(client, monkeypatch):
    monkeypatch.setattr(health, "MODEL_STATUS_PROVIDERS", [lambda: {"fraud": {"status": "production", "version": 3}}])
    assert client.get("/health").json()["checks"]["models"]["models"] == {"fraud": {"status": "production", "version": 3}}


@pytest.mark.django_db
def test_services_check_exits_non_zero_when_database_down(monkeypatch, capsys):
    monkeypatch.setattr(health, "check_database", lambda: (_ for _ in ()).throw(OSError("down")))
    with pytest.raises(SystemExit) as exit_info:
        call_command("services_check")
    assert exit_info.value.code == 1
    assert "DOWN" in capsys.readouterr().out
