"""Training and prediction time of the alert recommender against seed 002's figures
(training ~1-2 s per 1,000 users, prediction under 100 ms per user).

Synthetic marketplaces (ml.alerts.synthetic) of 1k, 10k and 50k shoppers; a share of them
"chose" alerts following their behaviour, as the demo seeding does. Training is what the
trainer does after loading (features, heuristic labels, KNN index, leave-one-out check);
prediction is one shopper's features from their payments plus the KNN recommendation,
beside the rules fallback (no model) measured in the same run as the baseline.

    .venv/bin/python bench/alerts.py [--sizes 1000 10000 50000] [--queries 200]
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml.alerts.features import customer_features  # noqa: E402
from ml.alerts.heuristics import heuristic_labels, heuristic_thresholds  # noqa: E402
from ml.alerts.knn import FROM_PREFERENCES, FROM_SPENDING, AlertRecommender, rule_recommendations  # noqa: E402
from ml.alerts.synthetic import synthetic_payments  # noqa: E402

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SEED_TRAIN_S_PER_1K = (1.0, 2.0)
SEED_PREDICT_MS = 100.0


def choices(labels: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Series]:
    """40% of shoppers chose: 70% of the alerts their behaviour calls for, 4% of the others."""
    chose = rng.random(len(labels)) < 0.4
    rate = np.where(labels.to_numpy(), 0.7, 0.04)
    picked = pd.DataFrame(rng.random(labels.shape) < rate, index=labels.index, columns=labels.columns)
    keep = np.repeat(~chose[:, None], labels.shape[1], axis=1)
    merged = labels.where(keep, picked)
    sources = pd.Series(np.where(chose, FROM_PREFERENCES, FROM_SPENDING), index=labels.index)
    return merged, sources


def train(payments: pd.DataFrame, rng: np.random.Generator) -> tuple[AlertRecommender, dict[str, float]]:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    features = customer_features(payments, now=NOW)
    timings["features"] = time.perf_counter() - start
    start = time.perf_counter()
    thresholds = heuristic_thresholds(features)
    labels, sources = choices(heuristic_labels(features, thresholds), rng)
    model = AlertRecommender().fit(features, labels, sources=sources, thresholds=thresholds, currency="GBP")
    timings["labels+index"] = time.perf_counter() - start
    start = time.perf_counter()
    timings["loo_precision"] = model.leave_one_out()["precision"]
    timings["leave-one-out"] = time.perf_counter() - start
    return model, timings


def latencies(model: AlertRecommender, payments: pd.DataFrame, queries: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    by_customer = dict(tuple(payments.groupby("customer_id")))
    picked = rng.choice(list(by_customer), size=min(queries, len(by_customer)), replace=False)
    knn, rules = [], []
    for customer in picked:
        start = time.perf_counter()
        features = customer_features(by_customer[customer], now=NOW)
        model.recommend(features)
        knn.append(time.perf_counter() - start)
        start = time.perf_counter()
        features = customer_features(by_customer[customer], now=NOW)
        rule_recommendations(features, thresholds=model.thresholds)
        rules.append(time.perf_counter() - start)
    return {"knn": np.array(knn) * 1e3, "rules": np.array(rules) * 1e3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    base_per_1k = None
    print(f"seed 002: training {SEED_TRAIN_S_PER_1K[0]:.0f}-{SEED_TRAIN_S_PER_1K[1]:.0f} s per 1,000 users, "
          f"prediction < {SEED_PREDICT_MS:.0f} ms per user", flush=True)
    for size in args.sizes:
        payments = synthetic_payments(customers=size, now=NOW, seed=size)
        model, timings = train(payments, rng)
        total = timings["features"] + timings["labels+index"] + timings["leave-one-out"]
        per_1k = total / size * 1000
        base_per_1k = base_per_1k or per_1k
        print(
            f"\n{size:,} shoppers, {len(payments):,} payments: training {total:.2f} s "
            f"(features {timings['features']:.2f}, labels+index {timings['labels+index']:.2f}, "
            f"leave-one-out {timings['leave-one-out']:.2f}) = {per_1k:.2f} s per 1,000 shoppers "
            f"({per_1k / SEED_TRAIN_S_PER_1K[1]:.2f}x the seed's upper figure, "
            f"{per_1k / base_per_1k:.2f}x the {args.sizes[0]:,}-shopper run); "
            f"leave-one-out precision {timings['loo_precision']:.2f}"
        )
        found = latencies(model, payments, args.queries, rng)
        knn, rules = found["knn"], found["rules"]
        print(
            f"  prediction per shopper (features + KNN), {len(knn)} shoppers: p50 {np.percentile(knn, 50):.1f} ms, "
            f"p95 {np.percentile(knn, 95):.1f} ms ({np.percentile(knn, 95) / SEED_PREDICT_MS:.2f}x the seed's bound); "
            f"rules fallback p50 {np.percentile(rules, 50):.1f} ms, p95 {np.percentile(rules, 95):.1f} ms "
            f"(KNN/rules p50 {np.percentile(knn, 50) / np.percentile(rules, 50):.2f}x)",
            flush=True,
        )


if __name__ == "__main__":
    main()
