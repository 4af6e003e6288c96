"""Online features (Redis path and database path) equal the offline ones training computes on the same payments."""
from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.fraud import features_service
from apps.fraud.models import Assessment
from apps.fraud.selectors import payments_frame
from apps.fraud.velocity_store import velocity_store
from apps.imports.services import data_import
from ml.fraud.features import FEATURE_NAMES, features_for_history
from tests import factories
from tests.conftest import require_service
from tests.fraud.scoring_support import T0, clean_velocity, payment_body  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_velocity")

PLACES = [(51.5072, -0.1276), (48.8566, 2.3522), (40.7128, -74.006), None]


def _labelled_history(merchant) -> None:
    """Old labelled payments (more than the 7-day label delay before the scored ones): merchant risk must use them."""
    customer = factories.CustomerFactory(external_id="OLD", country="GB")
    for i in range(12):
        factories.PaymentFactory(
            merchant=merchant,
            customer=customer,
            transaction_id=f"OLD{i}",
            merchant_category="mugs" if i % 2 else "prints",
            timestamp=T0 - timedelta(days=3, hours=i),
            is_fraud=i % 4 == 0,
        )


def _bodies(prefix: str) -> list[dict]:
    """A random but reproducible stream: shared cards and devices, repeat customers, travel, ties in time."""
    rng = random.Random(7)
    bodies = []
    at = T0 + timedelta(days=8)
    for i in range(60):
        at += timedelta(minutes=rng.choice([0, 1, 5, 30, 90, 600]))
        place = rng.choice(PLACES)
        body = payment_body(
            f"{prefix}T{i:03d}",
            at=at,
            customer_id=f"{prefix}C{rng.randrange(6)}",
            card_id=f"{prefix}K{rng.randrange(5)}",
            device_id=rng.choice([f"{prefix}D{rng.randrange(4)}", ""]),
            ip_address=rng.choice(["81.2.69.142", "8.8.8.8", "2001:4860:4860::8888"]),
            merchant_category=rng.choice(["mugs", "prints"]),
            amount=str(Decimal(rng.randrange(100, 90_000)) / 100),
            country=rng.choice(["", "GB", "FR"]),
        )
        if place:
            body |= {"latitude": place[0], "longitude": place[1]}
        bodies.append(body)
    return bodies


def _score_stream(client, bodies: list[dict]) -> dict[str, dict]:
    """Half one by one, half as batches (whose rows must see the earlier rows of the same batch)."""
    half = len(bodies) // 2
    for body in bodies[:half]:
        assert client.post("/api/v1/fraud/score", body, format="json").status_code == 201
    for start in range(half, len(bodies), 10):
        response = client.post("/api/v1/fraud/score/batch", {"transactions": bodies[start : start + 10]}, format="json")
        assert response.status_code == 200, response.content
    ids = [body["transaction_id"] for body in bodies]
    return {
        a.payment.transaction_id: a.features
        for a in Assessment.objects.filter(payment__transaction_id__in=ids).select_related("payment")
    }


def _matrix(features: dict[str, dict], ids: list[str]) -> np.ndarray:
    return np.array([[np.nan if features[i][n] is None else features[i][n] for n in FEATURE_NAMES] for i in ids])


def _offline(ids: list[str]) -> np.ndarray:
    frame = payments_frame()
    offline = features_for_history(frame).set_index(frame["transaction_id"])
    return offline.loc[ids, list(FEATURE_NAMES)].to_numpy(dtype=np.float64)


def test_online_features_equal_offline_features_on_the_same_payments(merchant_a, api_client_for, analyst):
    _labelled_history(merchant_a)
    bodies = _bodies("A")
    online = _score_stream(api_client_for(analyst), bodies)
    ids = [body["transaction_id"] for body in bodies]
    matrix = _matrix(online, ids)
    np.testing.assert_array_equal(matrix, _offline(ids))
    # the stream exercises what it should: repeat customers, shared cards, travel and label-based risk
    column = {name: matrix[:, i] for i, name in enumerate(FEATURE_NAMES)}
    assert column["cust_count_24h"].max() >= 3 and column["card_count_24h"].max() >= 2
    assert np.nanmax(column["travel_speed_kmh"]) > 0 and column["is_impossible_travel"].any()
    assert column["merchant_risk"].min() > 0.01  # the old frauds count, the platform prior alone would be 0.01


def test_redis_and_database_paths_give_identical_features(merchant_a, api_client_for, analyst):
    require_service(velocity_store() is not None, "Redis")
    _labelled_history(merchant_a)
    client = api_client_for(analyst)
    from_redis = _score_stream(client, _bodies("R"))
    with override_settings(REDIS_URL=""):
        from_database = _score_stream(client, _bodies("B"))
    assert not any("FEATURES_FROM_DB" in a.flags for a in Assessment.objects.filter(payment__transaction_id__startswith="R"))
    assert all("FEATURES_FROM_DB" in a.flags for a in Assessment.objects.filter(payment__transaction_id__startswith="B"))
    ids = sorted(from_redis)
    np.testing.assert_array_equal(_matrix(from_redis, ids), _matrix(from_database, ["B" + i[1:] for i in ids]))


def test_redis_state_is_rebuilt_from_the_database_after_a_flush(merchant_a, api_client_for, analyst):
    require_service(velocity_store() is not None, "Redis")
    client = api_client_for(analyst)
    bodies = _bodies("F")
    for body in bodies[:20]:
        client.post("/api/v1/fraud/score", body, format="json")
    velocity_store().flush()  # e.g. Redis restarted empty, or keys expired
    online = _score_stream(client, bodies[20:])
    ids = [body["transaction_id"] for body in bodies[20:]]
    np.testing.assert_array_equal(_matrix(online, ids), _offline(ids))


def test_rebuild_velocity_warms_redis_so_live_payments_read_no_history(merchant_a, api_client_for, analyst, monkeypatch):
    require_service(velocity_store() is not None, "Redis")
    client = api_client_for(analyst)
    bodies = _bodies("W")
    for body in bodies[:30]:
        client.post("/api/v1/fraud/score", body, format="json")
    velocity_store().flush()
    out = io.StringIO()
    call_command("rebuild_velocity", "--no-progress", stdout=out)
    assert "for 6 customers, 5 cards and 4 devices" in out.getvalue()
    history_reads = []
    real = features_service.payment_histories
    monkeypatch.setattr(features_service, "payment_histories", lambda **kw: history_reads.append(kw) or real(**kw))
    online = _score_stream(client, bodies[30:])
    ids = [body["transaction_id"] for body in bodies[30:]]
    assert not history_reads  # every entity was already in Redis
    np.testing.assert_array_equal(_matrix(online, ids), _offline(ids))


def test_rebuild_velocity_without_redis_says_so(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="Redis is not configured"):
        call_command("rebuild_velocity", "--no-progress")


def test_an_import_drops_the_stale_redis_state_of_the_customers_it_wrote(
    merchant_a, api_client_for, analyst, tmp_path, django_capture_on_commit_callbacks
):
    require_service(velocity_store() is not None, "Redis")
    client = api_client_for(analyst)
    late = [payment_body(f"N{i}", at=T0 + timedelta(days=8, hours=i), customer_id="IMP", card_id="KI") for i in range(3)]
    client.post("/api/v1/fraud/score", late[0], format="json")
    assert velocity_store().read(customers=["IMP"], cards=[], devices=[]).customers["IMP"] is not None
    older = tmp_path / "older.csv"
    older.write_text(
        "transaction_id,timestamp,customer_id,merchant_id,card_id,amount,currency\n"
        + "".join(f"OLDIMP{i},{(T0 + timedelta(days=7, hours=i)).isoformat()},IMP,MA,KI,15.00,USD\n" for i in range(4))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert data_import(kind="transactions", path=older, progress=None).created == 4
    stored = velocity_store().read(customers=["IMP"], cards=["KI"], devices=[])
    assert stored.customers["IMP"] is None and stored.cards["KI"] is None  # forgotten: it did not count the import
    online = _score_stream(client, late[1:])
    np.testing.assert_array_equal(_matrix(online, ["N1", "N2"]), _offline(["N1", "N2"]))
    assert online["N1"]["cust_count_7d"] == 5  # the four imported payments and N0
