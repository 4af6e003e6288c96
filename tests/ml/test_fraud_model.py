"""Training on a time split, serving the trained scorer, explanations and artifact integrity."""


import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest

from ml.fraud import model as model_module
from ml.fraud.compiled_boosting import CompiledBoosting
from ml.fraud.explain import explain_row
from ml.fraud.features import FEATURE_NAMES, features_for_history
from ml.fraud.model import CompiledIsolationForest, time_split, train_fraud_model
from ml.fraud.serving import ModelIntegrityError, ServedFraudModel, dump_model, load_model
from ml.simulate.transactions import SimulationConfig, simulate_transactions


@pytest.fixture(scope="module")
def trained():
    data = simulate_transactions(SimulationConfig(n_customers=400, n_terminals=3_000, n_days=60, seed=11))
    billing = data.customers.set_index("customer_id")["country"]
    tx = data.transactions.assign(billing_country=data.transactions["customer_id"].map(billing))
    features = features_for_history(tx)
    return tx, features, train_fraud_model(features, tx)


def test_time_split_folds_are_ordered_disjoint_and_separated_by_the_label_delay():
    stamps = pd.Series(pd.date_range("2025-01-01", periods=90 * 24, freq="h", tz="UTC"))
    split = time_split(stamps, warmup_days=7, gap_days=7)
    masks = split.masks(stamps)
    assert not (masks["train"] & masks["calibration"]).any()
    assert not (masks["calibration"] & masks["thresholds"]).any()
    assert stamps[masks["train"]].max() < stamps[masks["calibration"]].min() - pd.Timedelta(days=7) + pd.Timedelta(hours=1)
    assert stamps[masks["calibration"]].max() < stamps[masks["thresholds"]].min()
    assert stamps[masks["train"]].min() >= stamps.min() + pd.Timedelta(days=7)
    with pytest.raises(ValueError, match="shorter than warm-up plus gap"):
        time_split(stamps[: 24 * 10])


def test_training_reports_metrics_thresholds_and_its_data_window(trained):
    tx, _, result = trained
    assert result.feature_names == FEATURE_NAMES
    assert result.metrics["auc_roc"] > 0.85
    assert 0 < result.metrics["card_precision_top_100"] <= 1
    assert set(result.split.as_dict()) == {"train", "calibration", "thresholds"}
    assert result.rows["train"] > result.rows["thresholds"] > 0
    assert result.thresholds.review_recall >= 0.90
    if result.thresholds.decline is not None:
        assert result.thresholds.decline_precision >= 0.95
    else:
        assert result.thresholds.notes


def test_compiled_isolation_forest_matches_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2_000, 6)) * [1, 10, 100, 1, 1, 1_000]
    forest = IsolationForest(n_estimators=30, random_state=0).fit(X)
    compiled = CompiledIsolationForest(forest, np.zeros(6))
    np.testing.assert_allclose(compiled.score_samples(X), forest.score_samples(X), rtol=0, atol=1e-12)


def test_compiled_boosting_gives_scikit_learns_probabilities_with_missing_values():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3_000, 5)) * [1, 10, 100, 1, 1_000]
    y = (X[:, 0] + X[:, 1] / 10 + rng.normal(size=3_000) > 1).astype(int)
    X[rng.random(X.shape) < 0.1] = np.nan  # "no history" must follow each node's missing-value side
    classifier = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, random_state=0).fit(X, y)
    compiled = CompiledBoosting(classifier)
    np.testing.assert_array_equal(compiled.probability(X[:500]), classifier.predict_proba(X[:500])[:, 1])
    with pytest.raises(ValueError, match="features"):
        compiled.probability(X[:3, :4])


def test_fraud_model_serves_small_batches_compiled_and_large_ones_through_scikit_learn(trained, monkeypatch):
    _, features, result = trained
    X = features[list(FEATURE_NAMES)].to_numpy()[-300:]
    expected = result.model.classifier.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(result.model.raw_probability(X), expected)
    monkeypatch.setattr(model_module, "COMPILED_MAX_ROWS", 10)
    monkeypatch.setattr(CompiledBoosting, "probability", lambda self, X: pytest.fail("large batches go to scikit-learn"))
    np.testing.assert_array_equal(result.model.raw_probability(X), expected)


def test_served_model_gives_the_trained_probabilities_one_row_or_a_batch(trained):
    _, features, result = trained
    artifact = dump_model(result.model)
    served = ServedFraudModel(load_model(artifact.data, artifact.sha256))
    X = features[list(FEATURE_NAMES)].to_numpy()[-500:]
    expected = result.model.score(X)
    np.testing.assert_allclose(served.score_batch(X), expected, atol=1e-6)
    for i in range(0, 500, 50):
        one = served.score_one(dict(zip(FEATURE_NAMES, X[i], strict=True)), explain=False)
        assert one.score == pytest.approx(expected[i], abs=1e-6)
        assert one.decision == result.thresholds.decision(one.score)


def test_loading_bytes_that_do_not_match_their_checksum_raises(trained):
    artifact = dump_model(trained[2].model)
    with pytest.raises(ModelIntegrityError, match="checksum mismatch"):
        load_model(artifact.data[:-1] + bytes([artifact.data[-1] ^ 1]), artifact.sha256)


def test_explanation_names_what_pushed_a_card_testing_payment_up(trained):
    tx, features, result = trained
    row = features[list(FEATURE_NAMES)].to_numpy()[(tx["fraud_scenario"] == "card_testing").to_numpy()][-1]
    reasons = explain_row(result.model, row)
    assert reasons and reasons[0].contribution > 0
    assert all(a.contribution >= b.contribution for a, b in zip(reasons, reasons[1:], strict=False))
    assert all(r.text and "{" not in r.text for r in reasons)
