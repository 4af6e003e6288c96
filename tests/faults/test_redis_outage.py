"""Redis stops in the middle of scoring traffic: scoring answers from the database path, flagged, with no 5xx;
once Redis is back (empty), the velocity state is rebuilt from the database and agrees with it.

Uses a private redis-server on a free port, killed with SIGKILL; the shared Redis is never touched.
"""
from __future__ import annotations

import time
from datetime import timedelta

import numpy as np
import pytest
from django.test import override_settings

from apps.fraud.models import Assessment
from apps.fraud.selectors import payments_frame
from apps.fraud.velocity_store import velocity_store, velocity_store_reset
from ml.fraud.features import FEATURE_NAMES, features_for_history
from tests.faults.services import RedisProcess
from tests.fraud.scoring_support import T0, payment_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
FLAG = "FEATURES_FROM_DB"


def _stream(n: int, start: int) -> list[dict]:
    """One customer's card and device reused by several customers: velocity features that count."""
    return [
        payment_body(
            f"RO{i:03d}",
            at=T0 + timedelta(days=8, minutes=7 * i),
            customer_id=f"RC{i % 3}",
            card_id=f"RK{i % 2}",
            device_id=f"RD{i % 4}",
            amount=f"{10 + i}.00",
        )
        for i in range(start, start + n)
    ]


def _score(client, bodies: list[dict]) -> list[tuple[int, dict, float]]:
    answers = []
    for body in bodies:
        started = time.perf_counter()
        response = client.post("/api/v1/fraud/score", body, format="json")
        answers.append((response.status_code, response.json(), time.perf_counter() - started))
    return answers


def _features(ids: list[str]) -> np.ndarray:
    assessments = Assessment.objects.filter(payment__transaction_id__in=ids).select_related("payment")
    rows = {a.payment.transaction_id: a.features for a in assessments}
    return np.array([[np.nan if rows[i][n] is None else rows[i][n] for n in FEATURE_NAMES] for i in ids])


def _offline(ids: list[str]) -> np.ndarray:
    frame = payments_frame()
    return features_for_history(frame).set_index(frame["transaction_id"]).loc[ids, list(FEATURE_NAMES)].to_numpy(np.float64)


def test_scoring_survives_redis_dying_and_rebuilds_velocity_after(postgres_required, merchant_a, api_client_for, analyst):
    redis_server = RedisProcess().start()
    client = api_client_for(analyst)
    try:
        with override_settings(REDIS_URL=redis_server.url):
            velocity_store_reset()
            before = _score(client, _stream(10, 0))
            assert {status for status, _, _ in before} == {201}
            assert not any(FLAG in body["flags"] for _, body, _ in before[3:]), "Redis holds the state once hydrated"
            assert velocity_store().client.dbsize() > 0

            redis_server.kill()
            during = _score(client, _stream(10, 10))
            assert {status for status, _, _ in during} == {201}, [body for status, body, _ in during if status != 201]
            assert all(FLAG in body["flags"] for _, body, _ in during)
            # The circuit breaker: a dead Redis costs at most one connect timeout, not one per payment.
            assert sorted(seconds for _, _, seconds in during)[len(during) // 2] < 1.0

            redis_server.start()  # the same port, empty: every entity must come back from the database
            velocity_store_reset()
            after = _score(client, _stream(10, 20))
            assert {status for status, _, _ in after} == {201}
            assert not any(FLAG in body["flags"] for _, body, _ in after[3:])
            assert velocity_store().client.dbsize() > 0
    finally:
        redis_server.kill()
        velocity_store_reset()

    def median_ms(answers) -> float:
        return 1000 * sorted(seconds for _, _, seconds in answers)[len(answers) // 2]

    print(
        f"\nscoring latency, median of 10 calls: Redis up {median_ms(before):.0f} ms, Redis killed "
        f"{median_ms(during):.0f} ms (slowest {1000 * max(s for _, _, s in during):.0f} ms), "
        f"Redis back and rehydrating {median_ms(after):.0f} ms"
    )
    ids = [f"RO{i:03d}" for i in range(30)]
    online, offline = _features(ids), _offline(ids)
    assert np.allclose(online, offline, equal_nan=True, atol=1e-6), "live features disagree with the database after the outage"
