"""Canary routing wired into fraud scoring and recommendation serving, seen through their APIs."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.mlops import canary as canary_module
from apps.mlops.canary import canary_set, canary_stop
from apps.mlops.comparison import canary_comparison
from apps.mlops.models import Canary, ModelVersion
from apps.mlops.services import ModelCard, model_promote, model_register
from apps.recommendations.selectors import MODEL_NAME as RECS
from ml.fraud.features import FEATURE_NAMES, features_for_history
from ml.fraud.model import train_fraud_model
from ml.simulate.transactions import SimulationConfig, simulate_transactions
from tests.fraud.scoring_support import clean_velocity, payment_body  # noqa: F401
from tests.recommendations.conftest import fresh_serving_state, trained, world  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_routing():
    canary_module.canary_forget()
    yield
    canary_module.canary_forget()


@pytest.fixture(scope="module")
def fraud_model():
    data = simulate_transactions(SimulationConfig(n_customers=200, n_terminals=400, n_days=32, seed=3))
    return train_fraud_model(features_for_history(data.transactions), data.transactions).model


def _fraud_versions(model) -> tuple[ModelVersion, ModelVersion]:
    card = ModelCard({}, {}, list(FEATURE_NAMES), None, None, {})
    production = model_promote(version=model_register(name="fraud", obj=model, card=card))
    return production, model_register(name="fraud", obj=model, card=card)


@pytest.mark.usefixtures("clean_velocity")
def test_fraud_scoring_answers_with_the_canary_for_its_share(fraud_model, api_a, merchant_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    production, staging = _fraud_versions(fraud_model)

    def served(transaction_id: str, customer: str) -> str:
        body = payment_body(transaction_id, customer_id=customer)
        return api_a.post("/api/v1/fraud/score", body, format="json").json()["model_version"]

    canary_set(name="fraud", version=staging, share=100)
    assert served("T-CANARY-1", "C-1") == f"fraud-v{staging.version}"
    canary_set(name="fraud", version=staging, share=0)
    assert served("T-CANARY-2", "C-1") == f"fraud-v{production.version}"
    canary_set(name="fraud", version=staging, share=100)
    served("T-CANARY-3", "C-2")
    arms = canary_comparison(canary=Canary.objects.get()).arms
    assert [(arm.role, arm.answers) for arm in arms] == [("production", 1), ("canary", 2)]
    assert all(arm.latency_mean_ms is not None and sum(arm.decision_rates.values()) == pytest.approx(1) for arm in arms)
    canary_stop(name="fraud")
    assert served("T-CANARY-4", "C-2") == f"fraud-v{production.version}"


def test_recommendations_serve_the_canary_and_log_both_arms(trained, api_a, settings):  # noqa: F811
    settings.MONITORING = {**settings.MONITORING, "SAMPLE_RATE": 1.0}
    shop, production, model = trained
    staging = model_register(name=RECS, obj=model, card=ModelCard({}, {}, [], None, None, {}))
    url = reverse("recommendations-user", kwargs={"external_id": shop.shopper.external_id})
    canary_set(name=RECS, version=staging, share=100)
    assert api_a.get(url).json()["model_version"] == staging.version
    canary_set(name=RECS, version=staging, share=0)
    cache.clear()
    assert api_a.get(url).json()["model_version"] == production.version
    arms = {arm.role: arm for arm in canary_comparison(canary=Canary.objects.get()).arms}
    assert arms["canary"].answers == 1 and arms["production"].answers == 1
    assert arms["canary"].decision_rates == {"blend": 1.0} and arms["canary"].score_mean is not None
