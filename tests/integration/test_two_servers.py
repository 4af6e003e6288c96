"""Two uvicorn processes on different ports share one PostgreSQL and one Redis, as behind a load balancer.

The servers serve the test database (pytest-django's test_<name>), so the tests write through
transactions that commit (`transaction=True`), exactly as the servers' own requests do.
"""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import numpy as np
import pytest
import requests
from django.conf import settings
from websockets.sync.client import connect

from apps.accounts.models import ApiToken
from apps.chat.models import Message
from apps.fraud.models import Assessment, ReviewCase
from apps.fraud.selectors import payments_frame
from apps.fraud.velocity_store import velocity_store, velocity_store_reset
from apps.orders.models import Payment
from ml.fraud.features import FEATURE_NAMES, features_for_history
from tests.faults.services import WebServer, database_url_for_tests
from tests.fraud.case_factories import make_case
from tests.fraud.scoring_support import T0, payment_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.conftest import require_service
    from tests.integration.conftest import _redis_up

    require_service(settings.USING_POSTGRES, "PostgreSQL (DATABASE_URL)")
    require_service(_redis_up(), "Redis (REDIS_URL)")
    logs = tmp_path_factory.mktemp("two-servers")
    pair = [WebServer(database_url=database_url_for_tests(), redis_url=settings.REDIS_URL, log_dir=logs) for _ in range(2)]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()


def _bearer(user) -> dict[str, str]:
    _, raw = ApiToken.issue(user=user, name="two-servers")
    return {"Authorization": f"Bearer {raw}"}


def _score(server: WebServer, headers: dict, body: dict) -> requests.Response:
    return requests.post(f"{server.url}/api/v1/fraud/score", json=body, headers=headers, timeout=30)


def test_velocity_features_are_right_when_a_cards_payments_alternate_servers(servers, merchant_a, analyst):
    velocity_store_reset()
    velocity_store().flush()
    headers = _bearer(analyst)
    ids = []
    for i in range(12):
        body = payment_body(
            f"TS{i:02d}", at=T0 + timedelta(days=8, minutes=3 * i), customer_id=f"TC{i % 4}", card_id="TK1",
            device_id=f"TD{i % 3}", amount=f"{15 + i}.00",
        )
        response = _score(servers[i % 2], headers, body)
        assert response.status_code == 201, response.text
        ids.append(body["transaction_id"])
    assessments = Assessment.objects.filter(payment__transaction_id__in=ids).select_related("payment")
    rows = {a.payment.transaction_id: a.features for a in assessments}
    online = np.array([[np.nan if rows[i][n] is None else rows[i][n] for n in FEATURE_NAMES] for i in ids])
    frame = payments_frame()
    offline = features_for_history(frame).set_index(frame["transaction_id"]).loc[ids, list(FEATURE_NAMES)].to_numpy(np.float64)
    assert np.allclose(online, offline, equal_nan=True, atol=1e-6)
    assert rows["TS11"]["card_count_1h"] == offline[-1][list(FEATURE_NAMES).index("card_count_1h")] > 0


def test_a_transaction_replayed_on_the_other_server_is_scored_once(servers, merchant_a, analyst):
    headers = _bearer(analyst)
    body = payment_body("TS-IDEM", customer_id="TI1", card_id="TIK")
    first = _score(servers[0], headers, body)
    replay = _score(servers[1], headers, body)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert Payment.objects.filter(transaction_id="TS-IDEM").count() == 1


def test_a_chat_message_reaches_a_websocket_connected_to_the_other_server(servers, merchant_a):
    hello = {"merchant": merchant_a.slug, "text": "hello", "client_id": "ts1"}
    sent = requests.post(f"{servers[0].url}/api/v1/chat/messages", json=hello, timeout=30)
    assert sent.status_code == 201, sent.text
    visitor, conversation = sent.json()["visitor"], sent.json()["conversation"]
    url = f"{servers[1].ws_url}/ws/chat/?merchant={merchant_a.slug}&visitor={visitor}"
    with connect(url, origin="http://127.0.0.1", open_timeout=15) as socket:
        hello = json.loads(socket.recv(timeout=15))
        assert (hello["type"], hello["conversation"]) == ("hello", conversation)
        again = requests.post(
            f"{servers[0].url}/api/v1/chat/messages",
            json={"merchant": merchant_a.slug, "text": "where is my order?", "client_id": "ts2", "visitor": visitor},
            timeout=30,
        )
        assert again.status_code == 201
        seen = []
        while not any(m.get("text") == "where is my order?" for m in seen):
            event = json.loads(socket.recv(timeout=10))
            if event.get("type") == "message":
                seen.append(event["message"])
    assert Message.objects.filter(conversation_id=conversation, client_id="ts2").count() == 1


def test_a_review_case_claimed_on_both_servers_at_once_has_one_winner(servers, merchant_a, django_user_model):
    from apps.accounts.models import User

    analysts = [django_user_model.objects.create(username=f"ts-analyst{i}", role=User.Role.FRAUD_ANALYST) for i in range(2)]
    headers = [_bearer(user) for user in analysts]
    def claim(i: int, case_id: int, start: threading.Barrier, statuses: list[int]) -> None:
        start.wait()
        url = f"{servers[i].url}/api/v1/fraud/cases/{case_id}/claim/"
        statuses[i] = requests.post(url, headers=headers[i], timeout=30).status_code

    for _ in range(3):
        case = make_case(merchant_a)
        start = threading.Barrier(2)
        statuses: list[int] = [0, 0]
        threads = [threading.Thread(target=claim, args=(i, case.pk, start, statuses)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 409]
        case.refresh_from_db()
        assert case.status == ReviewCase.Status.CLAIMED
        assert case.assignee_id == analysts[statuses.index(200)].pk
