"""Bot detection on demo-sized traffic: precision and recall against planted bots, beside an
events-per-minute rule measured in the same run, and scoring throughput.

The marketplace simulator (the demo's `make demo` size: 3,000 shoppers, 400 products, 120 days)
already has polite crawlers (its "bot" archetype, 20-45 pages at ~2 s); `ml.simulate.bots` adds
scrapers, cart hoarders and slow crawlers, as `seed_bot_sessions` does for the demo. Ground truth
is both. The model is trained as the trainer does (the 30 days before the evaluation window,
bots included) and judged on the next 30 days, with other planted bots, at several contamination
targets; threshold-free ranking quality (ROC AUC, average precision) is beside the rule's.

    .venv/bin/python bench/bots.py [--customers 3000] [--products 400] [--days 120] [--planted 80]
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml.risk.bots import BotDetector, judged, rate_rule, rule_flags, session_features  # noqa: E402
from ml.simulate.bots import plant_bot_sessions  # noqa: E402
from ml.simulate.config import SimulationConfig  # noqa: E402
from ml.simulate.marketplace import simulate  # noqa: E402
from ml.simulate.shoppers import ARCHETYPE_INDEX  # noqa: E402

END = date(2026, 11, 30)
WINDOW_DAYS = 30
RATE_LIMITS = (20.0, 10.0)
CONTAMINATIONS = (0.02, 0.05, 0.08, 0.10)
DEFAULT = 0.10
"""apps.bots.conf CONTAMINATION"""


def traffic(args) -> tuple[pd.DataFrame, pd.Series]:
    """Every event (simulated plus planted) and, per session id, which bot made it ("" for people)."""
    started = time.perf_counter()
    market = simulate(SimulationConfig(end=END, customers=args.customers, products=args.products, days=args.days, seed=7))
    print(f"simulated {len(market.events):,} events in {time.perf_counter() - started:.1f} s")
    events = market.events[["session_id", "type", "product", "timestamp", "customer", "anonymous_id", "merchant"]]
    archetype = market.sessions.set_index("session")["archetype_index"]
    index = events["session_id"].str[4:].astype(int) - 1
    kind = pd.Series(np.where(archetype.loc[index].to_numpy() == ARCHETYPE_INDEX["bot"], "sim_crawler", ""),
                     index=events["session_id"].to_numpy())
    products = market.products.groupby("merchant")["product"].apply(list).to_dict()
    end = pd.Timestamp(END, tz="UTC") + pd.Timedelta(days=1)
    planted = []
    for seed, (first, last) in ((3, (2 * WINDOW_DAYS, WINDOW_DAYS)), (11, (WINDOW_DAYS, 0))):
        planted.append(plant_bot_sessions(sessions=args.planted, start=end - pd.Timedelta(days=first),
                                          end=end - pd.Timedelta(days=last), products=products,
                                          customers=list(range(40)), seed=seed))
    planted = pd.concat(planted, ignore_index=True)
    kinds = pd.concat([kind[~kind.index.duplicated()], planted.groupby("session_id")["kind"].first()])
    return pd.concat([events, planted[events.columns]], ignore_index=True), kinds


def quality(flags: pd.Series, truth: pd.Series) -> dict[str, float]:
    tp = int((flags & truth).sum())
    precision = tp / int(flags.sum()) if flags.any() else 0.0
    recall = tp / int(truth.sum()) if truth.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"flagged": int(flags.sum()), "precision": precision, "recall": recall, "f1": f1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--products", type=int, default=400)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--planted", type=int, default=80, help="planted bot sessions per 30-day window")
    args = parser.parse_args()
    events, kinds = traffic(args)
    end = pd.Timestamp(END, tz="UTC") + pd.Timedelta(days=1)
    cut, start = end - pd.Timedelta(days=WINDOW_DAYS), end - pd.Timedelta(days=2 * WINDOW_DAYS)
    starts = events.groupby("session_id")["timestamp"].min()
    train_ids = starts.index[(starts >= start) & (starts < cut)]
    test_ids = starts.index[starts >= cut]

    train = session_features(events[events["session_id"].isin(train_ids)])
    detectors = {c: BotDetector(contamination=c).fit(train) for c in CONTAMINATIONS}
    detector = detectors[DEFAULT]
    print(f"trained on {detector.trained_sessions:,} sessions (5+ events) in {detector.fit_seconds:.2f} s")

    test_events = events[events["session_id"].isin(test_ids)]
    timings = {}
    started = time.perf_counter()
    features = session_features(test_events)
    timings["features"] = time.perf_counter() - started
    started = time.perf_counter()
    model = detector.score(features)
    timings["model"] = time.perf_counter() - started
    started = time.perf_counter()
    rules = rule_flags(features)
    timings["rules"] = time.perf_counter() - started
    rows = judged(features)
    truth = kinds.reindex(rows.index).fillna("").ne("")
    per_kind = ", ".join(f"{k}: {n}" for k, n in kinds.reindex(rows.index)[truth].value_counts().items())
    print(f"\nevaluation window: {len(features):,} sessions, {len(rows):,} judged (5+ events), "
          f"{int(truth.sum())} bots ({per_kind})")

    results = {f"IsolationForest ({c:.0%})": d.score(features)["flagged"] for c, d in detectors.items()}
    results["fallback rules (no model)"] = rules["flagged"]
    for limit in RATE_LIMITS:
        results[f"baseline: > {limit:g} events/min"] = rate_rule(features, max_events_per_minute=limit)
    print(f"\n{'method':<30} {'flagged':>8} {'precision':>10} {'recall':>8} {'F1':>6}   recall by kind")
    table = {}
    for name, flags in results.items():
        flags = flags.reindex(rows.index).fillna(False).astype(bool)
        figures = table[name] = quality(flags, truth)
        by_kind = kinds.reindex(rows.index)[truth].to_frame("kind").assign(hit=flags[truth]).groupby("kind")["hit"].mean()
        line = f"{name:<30} {figures['flagged']:>8} {figures['precision']:>10.3f} {figures['recall']:>8.3f} {figures['f1']:>6.3f}"
        print(f"{line}   " + ", ".join(f"{k} {v:.0%}" for k, v in by_kind.items()))
    baseline = table[f"baseline: > {RATE_LIMITS[0]:g} events/min"]
    ours = table[f"IsolationForest ({DEFAULT:.0%})"]
    if baseline["f1"]:
        print(f"\nF1 of the model ({DEFAULT:.0%}, the default) / the 20 events/min rule: {ours['f1'] / baseline['f1']:.2f}x")
    print("ranking quality (threshold-free):")
    for name, score in (("IsolationForest score", model["score"]), ("events per minute", rows["events_per_minute"])):
        print(f"  {name:<24} ROC AUC {roc_auc_score(truth, score):.3f}   average precision "
              f"{average_precision_score(truth, score):.3f}")

    sessions = len(rows)
    print(f"\nthroughput on {len(features):,} sessions ({len(test_events):,} events; 2 shared cores, noisy):")
    print(f"  session features   {len(features) / timings['features']:>10,.0f} sessions/s")
    print(f"  model scoring      {sessions / timings['model']:>10,.0f} judged sessions/s (with reasons)")
    print(f"  rules scoring      {sessions / timings['rules']:>10,.0f} judged sessions/s")
    end_to_end = len(features) / (timings["features"] + timings["model"])
    print(f"  features + model   {end_to_end:>10,.0f} sessions/s")


if __name__ == "__main__":
    main()
