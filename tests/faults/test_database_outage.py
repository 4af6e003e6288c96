"""PostgreSQL goes away under a live uvicorn server and comes back (a restart, as the server sees it).

A TCP proxy between the server and PostgreSQL refuses and resets every connection, then listens
again; the shared PostgreSQL itself is never restarted. Requests in flight answer 503 with
Retry-After (never a 500 or a traceback), /health stays 200 while /ready says 503, the server
recovers without a restart, and every payment and chat message acknowledged to a client is stored.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
from django.conf import settings

from apps.accounts.models import ApiToken
from apps.chat.models import Message
from apps.orders.models import Payment
from tests.faults.services import TcpProxy, WebServer, database_url_for_tests, wait_for
from tests.fraud.scoring_support import T0, payment_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
OUTAGE_SECONDS = 4.0


@dataclass
class Call:
    kind: str  # "payment" or "chat"
    key: str  # transaction_id or client_id
    status: int
    retry_after: str | None
    body: str
    at: float = field(default_factory=time.monotonic)


@pytest.fixture
def proxied_server(postgres_required, redis_required, transactional_db, tmp_path):
    host, port = settings.DATABASES["default"]["HOST"] or "127.0.0.1", int(settings.DATABASES["default"]["PORT"] or 5432)
    proxy = TcpProxy(host, port).start()
    server = WebServer(database_url=database_url_for_tests(port=proxy.port), redis_url=settings.REDIS_URL, log_dir=tmp_path)
    try:
        yield proxy, server.start()
    finally:
        server.stop()
        proxy.cut()


def _traffic(server: WebServer, headers: dict, slug: str, visitor: str, stop: threading.Event, calls: list[Call]) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        if n % 3:
            key = f"DB{n:04d}"
            body = payment_body(key, at=T0, customer_id=f"DBC{n % 5}", card_id=f"DBK{n % 4}")
            url, payload, kind = f"{server.url}/api/v1/fraud/score", body, "payment"
        else:
            key = f"dbchat{n}"
            payload = {"merchant": slug, "text": f"message {n}", "client_id": key, "visitor": visitor}
            url, kind = f"{server.url}/api/v1/chat/messages", "chat"
        try:
            response = requests.post(url, json=payload, headers=headers if kind == "payment" else {}, timeout=30)
        except requests.RequestException as error:  # the server never answered: nothing acknowledged
            calls.append(Call(kind, key, 0, None, str(error)))
            continue
        calls.append(Call(kind, key, response.status_code, response.headers.get("Retry-After"), response.text))
        time.sleep(0.02)


def test_a_database_restart_answers_503_recovers_and_loses_nothing_acknowledged(proxied_server, merchant_a, analyst):
    proxy, server = proxied_server
    _, raw = ApiToken.issue(user=analyst, name="faults")
    headers = {"Authorization": f"Bearer {raw}"}
    hello = {"merchant": merchant_a.slug, "text": "hi", "client_id": "db0"}
    first = requests.post(f"{server.url}/api/v1/chat/messages", json=hello, timeout=30)
    assert first.status_code == 201, first.text
    visitor = first.json()["visitor"]

    calls: list[Call] = []
    stop = threading.Event()
    traffic = threading.Thread(target=_traffic, args=(server, headers, merchant_a.slug, visitor, stop, calls))
    traffic.start()
    try:
        wait_for(lambda: sum(c.status == 201 for c in calls) >= 5, timeout=60, what="traffic before the outage")
        proxy.cut()
        cut_at = len(calls)
        wait_for(lambda: sum(c.status == 503 for c in calls[cut_at:]) >= 3, timeout=60, what="503s during the outage")
        during_health = requests.get(f"{server.url}/health", timeout=10).status_code
        during_ready = requests.get(f"{server.url}/ready", timeout=10)
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()
        restored_at, restored_time = len(calls), time.monotonic()
        wait_for(
            lambda: any(c.status == 201 for c in calls[restored_at:]),
            timeout=60,
            what="a successful request after the database came back",
        )
        wait_for(lambda: len(calls) >= restored_at + 10, timeout=60, what="traffic after the outage")
    finally:
        stop.set()
        traffic.join(timeout=60)

    assert during_health == 200
    assert during_ready.status_code == 503 and during_ready.json()["checks"]["database"]["ok"] is False
    statuses = {c.status for c in calls}
    assert statuses <= {200, 201, 503}, [(c.status, c.body[:300]) for c in calls if c.status not in (200, 201, 503)]
    refused = [c for c in calls if c.status == 503]
    assert all(c.retry_after == "5" and "Traceback" not in c.body and "service_unavailable" in c.body for c in refused)
    assert all(c.status in (200, 201) for c in calls[-5:]), "the server did not recover by itself"

    acknowledged = [c for c in calls if c.status in (200, 201)]
    payments = {c.key for c in acknowledged if c.kind == "payment"}
    chats = {c.key for c in acknowledged if c.kind == "chat"}
    assert set(Payment.objects.filter(transaction_id__in=payments).values_list("transaction_id", flat=True)) == payments
    assert set(Message.objects.filter(client_id__in=chats).values_list("client_id", flat=True)) == chats

    # A client retrying what was refused gets it stored exactly once (the API is idempotent on its ids).
    for call in [c for c in refused if c.kind == "payment"][:5]:
        again = requests.post(f"{server.url}/api/v1/fraud/score", json=payment_body(call.key, at=T0), headers=headers, timeout=30)
        assert again.status_code in (200, 201)
        assert Payment.objects.filter(transaction_id=call.key).count() == 1
    back = min(c.at for c in calls[restored_at:] if c.status == 201) - restored_time
    print(
        f"\noutage {OUTAGE_SECONDS:.0f}s: {len(calls)} requests, {len(acknowledged)} acknowledged, "
        f"{len(refused)} answered 503, other statuses: {sorted(statuses - {200, 201, 503})}, "
        f"first success {back:.2f}s after the database came back"
    )
