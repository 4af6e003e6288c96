"""Offline benchmark of the fraud model on simulated payments.

Simulates ~3 months with the handbook generator, computes the as-of features, trains the
time-split model and reports ranking metrics, card precision@100 per day, the chosen
thresholds, training time and serving latency, next to a plain RandomForest on the raw amount
and time-of-day features measured on the same folds. Run: ``.venv/bin/python bench/fraud_model_offline.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.evaluation import card_precision_top_k, ranking_metrics  # noqa: E402
from ml.fraud.features import FEATURE_NAMES, features_for_history  # noqa: E402
from ml.fraud.model import CARD_PRECISION_K, train_fraud_model  # noqa: E402
from ml.fraud.serving import ServedFraudModel, dump_model, load_model  # noqa: E402
from ml.simulate.transactions import SimulationConfig, simulate_transactions  # noqa: E402

RAW_FEATURES = ["amount", "hour", "weekday", "is_night"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--terminals", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=91)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    data = simulate_transactions(
        SimulationConfig(n_customers=args.customers, n_terminals=args.terminals, n_days=args.days, seed=args.seed)
    )
    billing = data.customers.set_index("customer_id")["country"]
    tx = data.transactions.assign(billing_country=data.transactions["customer_id"].map(billing))
    print(f"simulated {len(tx):,} payments ({tx['is_fraud'].mean():.2%} fraud) in {time.perf_counter() - started:.1f}s")
    print(tx["fraud_scenario"].value_counts().to_string())

    started = time.perf_counter()
    features = features_for_history(tx)
    print(f"features: {len(FEATURE_NAMES)} x {len(features):,} rows in {time.perf_counter() - started:.1f}s")

    result = train_fraud_model(features, tx)
    print(f"\nfolds: {result.split.as_dict()}\nrows: {result.rows}")
    print(f"training time: {result.train_seconds:.1f}s")
    _print_metrics("HistGradientBoosting + isotonic + IsolationForest", result.metrics)
    t = result.thresholds
    print(
        f"  review  >= {t.review:.4f}: precision {t.review_precision:.3f}, recall {t.review_recall:.3f}, "
        f"sends {t.review_rate:.2%} of payments to review or decline"
    )
    if t.decline is None:
        print("  decline: none")
    else:
        print(
            f"  decline >= {t.decline:.4f}: precision {t.decline_precision:.3f}, recall {t.decline_recall:.3f}, "
            f"declines {t.decline_rate:.3%} of payments"
        )
    for note in t.notes:
        print(f"  note: {note}")
    print("  card precision@100 per day: " + ", ".join(f"{v:.2f}" for v in result.per_day_card_precision.to_numpy()))
    _baseline(features, tx, result)
    _latency(result, features)


def _baseline(features: pd.DataFrame, tx: pd.DataFrame, result) -> None:
    masks = result.split.masks(tx["timestamp"])
    y = tx["is_fraud"].astype(bool).to_numpy()
    started = time.perf_counter()
    forest = RandomForestClassifier(n_estimators=100, min_samples_leaf=5, n_jobs=-1, random_state=0).fit(
        features.loc[masks["train"], RAW_FEATURES], y[masks["train"]]
    )
    seconds = time.perf_counter() - started
    held = masks["thresholds"]
    scores = forest.predict_proba(features.loc[held, RAW_FEATURES])[:, 1]
    frame = tx.loc[held, ["timestamp", "card_id"]].assign(score=scores, is_fraud=y[held])
    precision, _ = card_precision_top_k(frame.assign(day=frame["timestamp"].dt.floor("D")), k=CARD_PRECISION_K)
    metrics = {**ranking_metrics(y[held], scores), f"card_precision_top_{CARD_PRECISION_K}": precision}
    _print_metrics(f"baseline RandomForest on {RAW_FEATURES} (fit {seconds:.1f}s)", metrics)


def _latency(result, features: pd.DataFrame) -> None:
    artifact = dump_model(result.model)
    served = ServedFraudModel(load_model(artifact.data, artifact.sha256))
    print(f"\nartifact: {len(artifact.data) / 1e6:.2f} MB, sha256 {artifact.sha256[:16]}...")
    rows = features[list(FEATURE_NAMES)].sample(2_000, random_state=0)
    for explain in (False, True):
        timings = []
        for _, row in rows.iterrows():
            started = time.perf_counter()
            served.score_one(row.to_dict(), explain=explain)
            timings.append(time.perf_counter() - started)
        ms = np.array(timings) * 1e3
        label = "score + explanation" if explain else "score only"
        print(f"single row ({label}): p50 {np.percentile(ms, 50):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms")
    batch = features[list(FEATURE_NAMES)].to_numpy()[:100_000]
    started = time.perf_counter()
    served.score_batch(batch)
    print(f"batch: {len(batch) / (time.perf_counter() - started):,.0f} rows/s (one thread)")
    started = time.perf_counter()
    result.model.score(batch)
    print(f"batch: {len(batch) / (time.perf_counter() - started):,.0f} rows/s (default thread pool)")


def _print_metrics(title: str, metrics: dict[str, float]) -> None:
    print(f"\n{title}")
    print(
        f"  AUC-ROC {metrics['auc_roc']:.4f}  AP {metrics['average_precision']:.4f}  "
        f"card precision@{CARD_PRECISION_K} {metrics[f'card_precision_top_{CARD_PRECISION_K}']:.3f}"
    )


if __name__ == "__main__":
    main()
