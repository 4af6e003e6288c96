"""Scoring with a real trained production model: served scores, batched explanations, model reasons."""
from __future__ import annotations

import numpy as np
import pytest

from apps.fraud.scoring import explain_rows
from apps.mlops.services import ModelCard, model_promote, model_register
from ml.fraud.explain import explain_row
from ml.fraud.features import FEATURE_NAMES, features_for_history
from ml.fraud.model import train_fraud_model
from ml.simulate.transactions import SimulationConfig, simulate_transactions
from tests.fraud.scoring_support import clean_velocity, payment_body  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_velocity")


@pytest.fixture(scope="module")
def trained():
    data = simulate_transactions(SimulationConfig(n_customers=200, n_terminals=400, n_days=32, seed=3))
    frame = data.transactions
    features = features_for_history(frame)
    return train_fraud_model(features, frame), features


def test_batched_explanations_equal_explain_row(trained):
    result, features = trained
    X = features[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    rows = X[np.argsort(-result.model.score(X))[:25]]
    assert explain_rows(result.model, rows) == [explain_row(result.model, row) for row in rows]


def test_the_production_model_scores_and_explains(trained, api_a, merchant_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # what is tested is the model's answer; the budget has its own test, and on a busy shared
    # machine the first call of a fresh process can miss 50 ms
    settings.FRAUD_MODEL_BUDGET_MS = 5_000
    result, _ = trained
    card = ModelCard(metrics={}, parameters={}, features=list(FEATURE_NAMES), data_start=None, data_end=None, row_counts={})
    version = model_promote(version=model_register(name="fraud", obj=result.model, card=card))
    answer = api_a.post("/api/v1/fraud/score", payment_body("T1", amount="4000.00"), format="json").json()
    assert answer["model_version"] == f"fraud-v{version.version}" and "FALLBACK" not in answer["flags"]
    assert 0 <= answer["ml_score"] <= 1 and answer["score"] >= answer["ml_score"]
    assert answer["ml_score"] == pytest.approx(float(result.model.score(_row(answer["transaction_id"]))[0]))
    if answer["decision"] != "approve":
        assert any(reason["source"] == "model" for reason in answer["reasons"])


def _row(transaction_id: str) -> np.ndarray:
    from apps.fraud.models import Assessment

    features = Assessment.objects.get(payment__transaction_id=transaction_id).features
    return np.array([[np.nan if features[n] is None else features[n] for n in FEATURE_NAMES]])
