"""Training the fraud model from payments stored in the database: checks, registration, promotion gate."""
from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from apps.fraud.labels import ANALYST, payments_label
from apps.fraud.training import MIN_ROWS, fraud_train
from apps.imports.services import data_import
from apps.mlops import selectors
from apps.mlops.models import ModelVersion, Stage, TrainingRun
from apps.mlops.pipeline import TrainingOptions, TrainingRefused
from apps.mlops.services import ModelCard, model_promote, model_register
from apps.orders.models import Payment
from ml.fraud.features import FEATURE_NAMES
from ml.simulate.transactions import TRANSACTION_COLUMNS, SimulationConfig, simulate_transactions

# About 3,800 payments over six weeks: the smallest history whose folds all hold frauds.
SMALL_HISTORY = SimulationConfig(
    n_customers=60, n_terminals=150, n_days=42, start="2025-01-01", card_testing_per_day=0.3, account_takeovers_per_day=0.3
)


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fraud-history") / "transactions.csv"
    simulate_transactions(SMALL_HISTORY).transactions[TRANSACTION_COLUMNS].to_csv(path, index=False)
    return path


@pytest.fixture(autouse=True)
def fresh_model_cache():
    selectors._cache.clear()


@pytest.fixture
def history(db, history_csv) -> int:
    report = data_import(kind="transactions", path=history_csv, progress=None)
    assert report.rejected == 0
    return report.created


def _train(**options):
    messages: list[tuple[float, str]] = []
    outcome = fraud_train(options=TrainingOptions(**options), report=lambda p, m: messages.append((p, m)))
    return outcome, messages


class ConstantModel:
    """A production model that ranks nothing: any real candidate beats it on average precision."""

    feature_names = FEATURE_NAMES

    def score(self, X: np.ndarray) -> np.ndarray:
        return np.zeros(len(X))


def test_training_registers_a_version_with_its_card(history):
    genuine = Payment.objects.filter(is_fraud=False).values_list("pk", flat=True)[:3]
    payments_label(payment_ids=genuine, is_fraud=True, source=ANALYST)
    outcome, messages = _train()
    version = outcome.version
    assert version.name == "fraud" and version.version == 1
    assert version.stage == Stage.NONE and not outcome.promoted  # first model: only with --promote
    assert "no production model yet" in outcome.promotion_reason
    for key in ("auc_roc", "average_precision", "card_precision_top_100", "review_precision", "review_recall", "decline_recall"):
        assert 0.0 <= version.metrics[key] <= 1.0, key
    assert version.metrics["auc_roc"] > 0.7
    thresholds = version.parameters["thresholds"]
    assert 0 < thresholds["review"] <= 1 and thresholds["targets"]["review_recall"] == 0.9
    assert version.features == list(FEATURE_NAMES)
    assert version.row_counts["payments"] == history
    assert version.row_counts["frauds"] == Payment.objects.filter(is_fraud=True).count()  # analyst labels included
    assert version.data_start == Payment.objects.earliest("timestamp").timestamp
    reference = version.reference["features"]
    assert set(reference) == set(FEATURE_NAMES) | {"score"}  # the drift monitor's training profile
    assert all(0.99 < sum(entry["shares"]) < 1.01 for entry in reference.values())
    loaded = selectors.production_model(name="fraud")
    assert loaded is None
    progress = [p for p, _ in messages]
    assert progress == sorted(progress) and progress[-1] > 0.9


def test_promotion_gate_keeps_an_equal_model_out_and_promote_forces(history):
    first, _ = _train(promote=True)
    assert first.promoted and first.version.stage == Stage.PRODUCTION
    same, _ = _train()  # same data, same seed: exactly as good, so it does not beat production
    assert not same.promoted
    assert "does not beat production" in same.promotion_reason
    comparison = same.version.parameters["comparison"]
    assert comparison["production_version"] == 1
    assert comparison["production_average_precision"] == pytest.approx(comparison["candidate_average_precision"])
    forced, _ = _train(promote=True)
    assert forced.promoted
    assert ModelVersion.objects.get(stage=Stage.PRODUCTION).version == 3


def test_a_better_candidate_replaces_a_weaker_production_model(history):
    card = ModelCard({}, {}, list(FEATURE_NAMES), None, None, {})
    model_promote(version=model_register(name="fraud", obj=ConstantModel(), card=card))
    outcome, _ = _train()
    assert outcome.promoted and "beats production" in outcome.promotion_reason
    comparison = outcome.version.parameters["comparison"]
    assert comparison["candidate_average_precision"] > comparison["production_average_precision"]


def test_too_little_history_is_refused_with_a_reason(db, history_csv, tmp_path):
    with history_csv.open() as handle:
        rows = list(csv.reader(handle))[: MIN_ROWS // 2]
    small = tmp_path / "small.csv"
    with small.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    data_import(kind="transactions", path=small, progress=None)
    with pytest.raises(TrainingRefused, match="not enough data"):
        _train()
    with pytest.raises(CommandError, match=r"not enough data: \d+ payments"):
        call_command("train", "fraud", "--no-progress")
    run = TrainingRun.objects.get()
    assert run.status == TrainingRun.Status.FAILED and run.message.startswith("not enough data")
    assert not ModelVersion.objects.exists()


def test_window_without_frauds_in_a_fold_is_refused(history):
    Payment.objects.filter(timestamp__gte=datetime(2025, 2, 6, tzinfo=UTC)).update(is_fraud=False)
    with pytest.raises(TrainingRefused, match=r"the thresholds window \(2025-02-06 to .*\) holds 0 labelled frauds"):
        _train()


def test_command_trains_prints_the_summary_and_can_skip_when_data_is_short(history, capsys):
    call_command("train", "fraud", "--promote", "--no-progress", "--since", "2025-01-01")
    out = capsys.readouterr().out
    assert "registered fraud v1" in out
    assert "AUC-ROC" in out and "card precision@100 per day" in out
    assert "promoted on request" in out
    assert TrainingRun.objects.get().status == TrainingRun.Status.SUCCEEDED
    call_command("train", "fraud", "--no-progress", "--until", "2025-01-05", "--if-enough-data")
    assert "Skipped training fraud: not enough data" in capsys.readouterr().out
