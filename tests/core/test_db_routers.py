"""The dashboards' read replica: which reads go to `replica`, and that nothing changes without one."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apps.analytics.models import DailyMerchantKPI, KpiAnomaly, RollupRun
from apps.core.db_routers import DashboardReadsMiddleware, DashboardReplicaRouter, dashboard_reads
from apps.merchants.models import Merchant

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"
ROUTER = "apps.core.db_routers.DashboardReplicaRouter"
router = DashboardReplicaRouter()


def _settings(monkeypatch, **environ: str) -> dict:
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DB_POOL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


def test_without_replica_url_there_is_no_alias_router_or_middleware(monkeypatch):
    settings = _settings(monkeypatch, DATABASE_URL="postgres://app@primary.internal:5432/shopsignal")
    assert list(settings["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in settings
    assert not any("db_routers" in m for m in settings["MIDDLEWARE"])


def test_replica_alias_takes_the_primarys_options_and_mirrors_it_in_tests(monkeypatch):
    settings = _settings(
        monkeypatch,
        DATABASE_URL="postgres://app@primary.internal:5432/shopsignal",
        DATABASE_REPLICA_URL="postgres://ro:pw@replica.internal:5432/shopsignal?sslmode=require",
        DB_POOL="true",
    )
    default, replica = settings["DATABASES"]["default"], settings["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"]) == ("replica.internal", "ro")
    assert default["HOST"] == "primary.internal"
    assert replica["OPTIONS"] == {**default["OPTIONS"], "sslmode": "require"}
    assert replica["OPTIONS"]["pool"] is not default["OPTIONS"]["pool"]
    assert replica["CONN_HEALTH_CHECKS"] and replica["TEST"] == {"MIRROR": "default"}
    assert settings["DATABASE_ROUTERS"] == [ROUTER]
    assert settings["MIDDLEWARE"][-2:] == ["apps.core.db_routers.DashboardReadsMiddleware", "axes.middleware.AxesMiddleware"]


def test_a_replica_without_a_postgresql_primary_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        _settings(monkeypatch, DATABASE_REPLICA_URL="postgres://ro@replica.internal/shopsignal")


def test_dashboard_reads_of_rollups_go_to_the_replica_everything_else_to_the_primary():
    with override_settings(DATABASE_ROUTERS=[ROUTER]):
        assert DailyMerchantKPI.objects.all().db == "default"  # outside a request: tasks, commands
        with dashboard_reads():
            assert DailyMerchantKPI.objects.all().db == "replica"
            assert KpiAnomaly.objects.all().db == "replica"
            assert RollupRun.objects.all().db == "default"
            assert Merchant.objects.all().db == "default"
            assert DailyMerchantKPI.objects.select_for_update().db == "default"
            read_there = DailyMerchantKPI()
            read_there._state.db = "replica"
            assert router.db_for_write(DailyMerchantKPI, instance=read_there) == "default"
            read_here = Merchant()
            read_here._state.db = "default"
            assert router.allow_relation(read_there, read_here)


def test_reads_inside_an_atomic_block_go_to_the_primary(db):
    with dashboard_reads():  # pytest-django runs this test inside an atomic block
        assert router.db_for_read(DailyMerchantKPI) == "default"


@shared_task
def _route_kpi_read() -> str:
    return router.db_for_read(DailyMerchantKPI)


def test_reads_of_a_task_run_eagerly_in_a_request_go_to_the_primary():
    with dashboard_reads():
        assert _route_kpi_read.apply().get() == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "analytics", "dailymerchantkpi")
    assert not router.allow_migrate("replica", "analytics", "dailymerchantkpi")


def test_middleware_opens_dashboard_reads_for_the_request_only():
    middleware = DashboardReadsMiddleware(lambda request: router.db_for_read(DailyMerchantKPI))
    assert middleware(object()) == "replica"
    assert router.db_for_read(DailyMerchantKPI) == "default"


async def test_async_middleware_opens_dashboard_reads_for_the_request_only():
    async def view(request):
        return router.db_for_read(DailyMerchantKPI)

    assert await DashboardReadsMiddleware(view)(object()) == "replica"
    assert router.db_for_read(DailyMerchantKPI) == "default"
