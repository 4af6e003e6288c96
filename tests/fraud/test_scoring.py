"""POST /api/v1/fraud/score and /score/batch: feature arithmetic, idempotency, fallback and tenancy."""
from __future__ import annotations

import time
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test import override_settings

from apps.fraud import scoring
from apps.fraud.models import Assessment, ReviewCase
from apps.fraud.velocity_store import velocity_store
from apps.merchants.models import Merchant
from apps.orders.models import Payment
from ml.fraud.features import FEATURE_NAMES
from tests import factories
from tests.conftest import require_service
from tests.fraud.scoring_support import T0, clean_velocity, minutes, payment_body  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_velocity")

SCORE = "/api/v1/fraud/score"
BATCH = "/api/v1/fraud/score/batch"


def _score(client, body: dict, expected: int = 201) -> dict:
    response = client.post(SCORE, body, format="json")
    assert response.status_code == expected, response.content
    return response.json()


def _features(transaction_id: str) -> dict:
    return Assessment.objects.get(payment__transaction_id=transaction_id).features


def test_velocity_counts_sums_and_distinct_values_of_a_hand_made_history(api_a, merchant_a):
    _score(api_a, payment_body("T1", amount="10.00"))
    _score(api_a, payment_body("T2", at=T0 + minutes(20), amount="30.00", device_id="D2"))
    _score(api_a, payment_body("T3", at=T0 + minutes(50), amount="50.00", card_id="K2", ip_address="8.8.8.8"))
    _score(api_a, payment_body("T4", at=T0 + minutes(70), amount="100.00"))
    first, fourth = _features("T1"), _features("T4")
    assert first["is_first_transaction"] == 1 and first["cust_count_24h"] == 0 and first["seconds_since_prev"] is None
    # T1 is 70 minutes old: out of the 1 h window, inside 24 h
    assert fourth["cust_count_1h"] == 2 and fourth["cust_amount_1h"] == 80.0
    assert fourth["cust_count_24h"] == 3 and fourth["cust_amount_24h"] == 90.0
    assert fourth["card_count_24h"] == 2 and fourth["card_amount_24h"] == 40.0  # K1 only: T1, T2
    assert fourth["device_count_24h"] == 2  # D1: T1, T3
    assert fourth["cust_distinct_devices_24h"] == 2 and fourth["cust_distinct_cards_24h"] == 2
    assert fourth["cust_distinct_ips_24h"] == 2 and fourth["cust_distinct_merchants_24h"] == 1
    assert fourth["seconds_since_prev"] == 20 * 60
    assert fourth["amount_to_median"] == 100.0 / 30.0
    assert _features("T2")["is_new_device"] == 1 and _features("T3")["is_new_card"] == 1
    assert fourth["is_new_device"] == 0 and fourth["is_new_card"] == 0


def test_new_country_impossible_travel_and_ip_country_against_billing(api_a, merchant_a):
    factories.CustomerFactory(external_id="C1", country="GB")
    london, new_york = {"latitude": 51.5072, "longitude": -0.1276}, {"latitude": 40.7128, "longitude": -74.006}
    _score(api_a, payment_body("T1", **london))
    _score(api_a, payment_body("T2", at=T0 + minutes(60), ip_address="8.8.8.8", **new_york))
    home, away = _features("T1"), _features("T2")
    assert home["ip_country"] == "GB" and home["ip_country_mismatch"] == 0 and home["is_new_country"] == 1
    assert away["country"] == "US" and away["ip_country_mismatch"] == 1 and away["is_new_country"] == 1
    assert 5_500 < away["travel_speed_kmh"] < 5_600 and away["is_impossible_travel"] == 1


def test_a_hosting_network_address_is_vpn_like_and_with_a_foreign_country_sends_to_review(api_a, merchant_a):
    factories.CustomerFactory(external_id="C1", country="GB")
    home = _score(api_a, payment_body("T1", ip_address="81.2.69.142"))  # a British broadband ISP
    cloud = _score(api_a, payment_body("T2", at=T0 + minutes(5), ip_address="159.89.1.1"))  # DigitalOcean, Germany
    assert _features("T1")["is_vpn_ip"] is False and "HIGH_RISK_COUNTRY" not in home["flags"]
    assert _features("T2")["is_vpn_ip"] is True and _features("T2")["ip_country"] == "DE"
    assert "HIGH_RISK_COUNTRY" in cloud["flags"] and cloud["decision"] in ("review", "decline")


def test_the_country_field_wins_over_the_ip_lookup(api_a, merchant_a):
    _score(api_a, payment_body("T1", country="FR"))
    assert _features("T1")["country"] == "FR" and _features("T1")["ip_country"] == "GB"
    assert Payment.objects.get(transaction_id="T1").country == "FR"


def test_an_id_stored_by_a_concurrent_call_meanwhile_is_answered_as_a_replay(api_a, merchant_a, monkeypatch):
    real_live_features = scoring.live_features
    other_call: list = []

    def live_features_while_another_call_stores_t1(events):
        if not other_call:  # after this call's replay check (if any), before it stores: the other caller wins
            other_call.append(None)
            other_call[0] = _score(api_a, payment_body("T1"))
        return real_live_features(events)

    monkeypatch.setattr(scoring, "live_features", live_features_while_another_call_stores_t1)
    replay = _score(api_a, payment_body("T1"), expected=200)  # the insert meets the stored id: answered as a replay
    assert replay == other_call[0]
    assert Payment.objects.filter(transaction_id="T1").count() == 1


def test_a_backdated_payment_sees_only_earlier_history(api_a, merchant_a):
    _score(api_a, payment_body("T1", at=T0 + minutes(120)))
    _score(api_a, payment_body("T2", at=T0 + minutes(130)))
    answer = _score(api_a, payment_body("LATE", at=T0))  # arrives last, happened first
    late = _features("LATE")
    assert late["is_first_transaction"] == 1 and late["cust_count_7d"] == 0 and late["card_count_7d"] == 0
    assert _features("T2")["cust_count_1h"] == 1
    if velocity_store() is not None:
        assert "FEATURES_FROM_DB" in answer["flags"]  # Redis already holds newer payments of this customer


def test_replay_returns_the_stored_answer_and_is_not_counted_twice(api_a, merchant_a):
    first = _score(api_a, payment_body("T1"))
    replay = _score(api_a, payment_body("T1", amount="999.00"), expected=200)
    assert replay == first
    assert Payment.objects.filter(transaction_id="T1").count() == 1
    _score(api_a, payment_body("T2", at=T0 + minutes(5)))
    assert _features("T2")["cust_count_1h"] == 1 and _features("T2")["card_count_1h"] == 1


def test_batch_answers_in_order_and_a_repeated_id_inside_it_replays(api_a, merchant_a):
    _score(api_a, payment_body("OLD"))
    batch = [
        payment_body("B2", at=T0 + minutes(2)),
        payment_body("OLD"),
        payment_body("B1", at=T0 + minutes(1)),
        payment_body("B2", at=T0 + minutes(2)),
    ]
    response = api_a.post(BATCH, {"transactions": batch}, format="json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["transaction_id"] for r in results] == ["B2", "OLD", "B1", "B2"]
    assert results[0] == results[3]
    assert Payment.objects.filter(transaction_id__in=["OLD", "B1", "B2"]).count() == 3
    # B2 happened after B1 in the same batch and after OLD: both count, once each
    assert _features("B2")["cust_count_1h"] == 2 and _features("B1")["cust_count_1h"] == 1


def test_batch_errors_name_the_row_and_field(api_a, merchant_a, merchant_b):
    bad = [payment_body("B1"), payment_body("B2", amount="-1"), payment_body("B3", merchant="MB")]
    response = api_a.post(BATCH, {"transactions": bad}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]["transactions"]["1"]
    response = api_a.post(BATCH, {"transactions": [bad[0], bad[2]]}, format="json")
    assert response.json()["errors"]["transactions"]["1"]["merchant_id"] == ["Unknown merchant 'MB'."]
    assert not Payment.objects.exists()
    too_many = [payment_body(f"X{i}") for i in range(1001)]
    assert api_a.post(BATCH, {"transactions": too_many}, format="json").status_code == 400


def test_bad_input_is_a_field_error(api_a, merchant_a):
    for field, value in (("timestamp", "yesterday"), ("ip_address", "999.1.1.1"), ("currency", "usd"), ("latitude", 91)):
        response = api_a.post(SCORE, payment_body("T1", **{field: value}), format="json")
        assert response.status_code == 400 and field in response.json()["errors"], (field, response.content)
    response = api_a.post(SCORE, payment_body("T1", latitude=51.5), format="json")
    assert "longitude" in response.json()["errors"]


def test_staff_score_only_for_their_merchants_and_read_only_their_assessments(api_a, api_b, merchant_a, merchant_b):
    for reference in ("MB", "NOPE"):
        response = api_a.post(SCORE, payment_body("T1", merchant=reference), format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["merchant_id"] == [f"Unknown merchant {reference!r}."]
    _score(api_b, payment_body("TB", merchant="MB"))
    assert api_a.get("/api/v1/fraud/assessments/TB/").status_code == 404
    assert api_b.get("/api/v1/fraud/assessments/TB/").status_code == 200
    # a replay of B's transaction id by A's staff is refused without B's answer
    response = api_a.post(SCORE, payment_body("TB"), format="json")
    assert response.status_code == 400 and "decision" not in response.content.decode()


def test_analysts_score_for_any_merchant_and_support_agents_cannot(api_client_for, analyst, agent, merchant_a):
    _score(api_client_for(analyst), payment_body("T1", merchant="NEW1"))
    assert Payment.objects.get(transaction_id="T1").merchant.external_id == "NEW1"
    assert api_client_for(agent).post(SCORE, payment_body("T2"), format="json").status_code == 403


def test_imported_payment_cannot_be_scored_after_the_fact(api_a, merchant_a):
    factories.PaymentFactory(merchant=merchant_a, transaction_id="IMP")
    response = api_a.post(SCORE, payment_body("IMP"), format="json")
    assert response.status_code == 400 and "transaction_id" in response.json()["errors"]


def test_no_model_means_rules_only_with_the_fallback_flag(api_a, merchant_a):
    answer = _score(api_a, payment_body("T1", amount="900.00"))
    assert answer["ml_score"] is None and answer["model_version"] is None and "FALLBACK" in answer["flags"]
    # a large first payment fires the shipped RISKY_FIRST_TXN review rule
    assert answer["decision"] == "review" and "RISKY_FIRST_TXN" in answer["flags"]
    assert answer["reasons"][0]["source"] == "rule" and answer["reasons"][0]["values"]["amount"] == 900.0
    assert ReviewCase.objects.filter(assessment__payment__transaction_id="T1").exists()


class _StubModel:
    """Stands in for a served model: a fixed score, or a failure, or a slow answer."""

    def __init__(self, *, score: float = 0.95, error: bool = False, delay: float = 0.0) -> None:
        self.score, self.error, self.delay = score, error, delay
        self.model = self

    thresholds = None

    def score_batch(self, X):
        time.sleep(self.delay)
        if self.error:
            raise RuntimeError("model exploded")
        return np.full(len(X), self.score)


@pytest.fixture
def stub_model(monkeypatch, db):
    from apps.mlops.models import ModelVersion

    version = ModelVersion.objects.create(name="fraud", version=1, checksum="0" * 64, features=list(FEATURE_NAMES))

    def install(stub: _StubModel) -> None:
        monkeypatch.setattr(scoring, "served_model", lambda config=None: (version, stub))
        monkeypatch.setattr(scoring, "explain_rows", lambda model, X: [[] for _ in X])

    return install


def test_model_score_drives_the_decision(api_a, merchant_a, stub_model):
    stub_model(_StubModel(score=0.95))
    answer = _score(api_a, payment_body("T1"))
    assert answer["decision"] == "decline" and answer["ml_score"] == 0.95 and answer["model_version"] == "fraud-v1"
    assert "FALLBACK" not in answer["flags"]


def test_a_failing_model_falls_back_to_rules(api_a, merchant_a, stub_model):
    stub_model(_StubModel(error=True))
    answer = _score(api_a, payment_body("T1"))
    assert "FALLBACK" in answer["flags"] and answer["ml_score"] is None and answer["decision"] == "approve"


@override_settings(FRAUD_MODEL_BUDGET_MS=20)
def test_a_slow_model_falls_back_within_the_budget(api_a, merchant_a, stub_model):
    stub_model(_StubModel(delay=0.5))
    started = time.perf_counter()
    answer = _score(api_a, payment_body("T1"))
    assert "FALLBACK" in answer["flags"] and time.perf_counter() - started < 0.45


def test_redis_down_scores_from_the_database_and_says_so(api_a, merchant_a):
    _score(api_a, payment_body("T1"))
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        answer = _score(api_a, payment_body("T2", at=T0 + minutes(3)))
    assert "FEATURES_FROM_DB" in answer["flags"]
    assert _features("T2")["cust_count_1h"] == 1


def test_merchant_thresholds_override_the_defaults(api_a, merchant_a, stub_model):
    from apps.fraud.models import RiskSettings

    stub_model(_StubModel(score=0.3))
    RiskSettings.objects.create(merchant=merchant_a, review_threshold=0.25)
    assert _score(api_a, payment_body("T1"))["decision"] == "review"
    assert scoring.thresholds_for(merchant_id=merchant_a.pk, model=None) == (0.25, scoring.DEFAULT_DECLINE_THRESHOLD)


def test_assessment_list_query_count_does_not_grow(api_a, merchant_a, django_assert_max_num_queries):
    for i in range(3):
        _score(api_a, payment_body(f"T{i}", at=T0 + timedelta(minutes=i)))
    with django_assert_max_num_queries(4):
        response = api_a.get("/api/v1/fraud/assessments/")
    assert len(response.json()["results"]) == 3
    for i in range(3, 9):
        _score(api_a, payment_body(f"T{i}", at=T0 + timedelta(minutes=i)))
    with django_assert_max_num_queries(4):
        assert len(api_a.get("/api/v1/fraud/assessments/?decision=approve").json()["results"]) == 9


def test_recording_goes_on_after_redis_loses_its_scripts(api_a, merchant_a):
    require_service(velocity_store() is not None, "Redis")
    _score(api_a, payment_body("T1"))
    velocity_store().client.script_flush()  # a Redis restart forgets loaded scripts
    _score(api_a, payment_body("T2", at=T0 + minutes(5)))
    answer = _score(api_a, payment_body("T3", at=T0 + minutes(10)))
    assert _features("T3")["cust_count_1h"] == 2 and "FEATURES_FROM_DB" not in answer["flags"]


@pytest.mark.django_db(transaction=True)  # foreign keys are checked at commit, which a test transaction never reaches
def test_a_merchant_deleted_while_its_payment_is_scored_is_a_field_error(api_client_for, analyst, merchant_a, monkeypatch):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    real_live_features = scoring.live_features

    def live_features_after_the_merchant_went(events):
        Merchant.objects.filter(pk=merchant_a.pk).delete()
        return real_live_features(events)

    monkeypatch.setattr(scoring, "live_features", live_features_after_the_merchant_went)
    answer = api_client_for(analyst).post(SCORE, payment_body("GONE"), format="json")
    assert answer.status_code == 400 and "merchant_id" in answer.json()["errors"]
    assert not Payment.objects.filter(transaction_id="GONE").exists()
