"""Process warm-up: warmers run per role at start-up (web: config.asgi, workers: worker_process_init)."""
from __future__ import annotations

import importlib
import sys

import pytest
from celery import signals
from django.urls import clear_url_caches, get_resolver

from apps.core import warmup
from apps.core.warmup import WEB, WORKER, url_resolvers_warm, warm_up, warmup_register


@pytest.fixture
def warmers(monkeypatch):
    """An empty registry for the test (the real one is restored after it)."""
    monkeypatch.setattr(warmup, "WARMERS", {})
    return warmup.WARMERS


def test_each_role_runs_its_own_warmers_and_a_failing_one_is_skipped(warmers, caplog):
    ran = []
    warmup_register("both", lambda: ran.append("both"))
    warmup_register("web only", lambda: ran.append("web only"), roles=[WEB])
    warmup_register("broken", lambda: 1 / 0)
    took = warm_up(WORKER)
    assert ran == ["both"] and set(took) == {"both"}
    assert "warm-up broken failed" in caplog.text
    assert set(warm_up(WEB)) == {"both", "web only"}


def test_the_real_registry_warms_urls_and_charts_for_web_and_geoip_for_both():
    roles = {name: warmer.roles for name, warmer in warmup.WARMERS.items()}
    assert roles["url resolvers"] == {WEB} and roles["plotly figures"] == {WEB}
    assert roles["geoip data"] == {WEB, WORKER}


def test_url_warm_up_builds_every_namespaces_reverse_tables():
    clear_url_caches()
    url_resolvers_warm()
    pending, seen = [get_resolver()], 0
    while pending:
        resolver = pending.pop()
        assert resolver._populated
        seen += 1
        pending.extend(sub for _, sub in resolver.namespace_dict.values())
    assert seen > 10  # the root and the apps' namespaces (bots, pricing, mlops...)


def test_asgi_and_celery_start_up_call_the_warm_up(monkeypatch):
    called = []
    monkeypatch.setattr(warmup, "warm_up", called.append)
    monkeypatch.delitem(sys.modules, "config.asgi", raising=False)  # put back after the test
    importlib.import_module("config.asgi")
    signals.worker_process_init.send(sender=None)
    assert called == [WEB, WORKER]
