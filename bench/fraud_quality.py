"""End-to-end quality of fraud scoring: simulate, import, train, then score the later weeks through the API.

1. simulate a few months of payments with the handbook generator (ml.simulate.transactions);
2. write the earlier months as CSV files and import them with ``import_data customers`` and
   ``import_data transactions`` into a throwaway database (a fresh SQLite file unless
   ``--database-url`` names another; the project's own databases are refused);
3. train with the same trainer as ``manage.py train fraud --promote``;
4. stream the later weeks, in time order, through ``POST /api/v1/fraud/score`` (or
   ``/score/batch`` with ``--batch-size N``) with Django's test client, as a platform admin;
5. print AUC-ROC, average precision, card precision@100 per day and precision / recall per
   decision on the streamed weeks, beside a plain RandomForest on the raw amount and time
   features, trained on the same training window and thresholded the same way, in this run.

Run: ``.venv/bin/python bench/fraud_quality.py [--customers 2000 --days 120 --stream-weeks 3]``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RAW_FEATURES = ["amount", "hour", "weekday", "is_night"]
PROTECTED_DATABASES = {"postgres", "shopsignal", "template0", "template1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--terminals", type=int, default=4_000)
    parser.add_argument("--days", type=int, default=120, help="Simulated days in all (history + streamed weeks).")
    parser.add_argument("--stream-weeks", type=int, default=3, help="The last weeks, scored through the API.")
    parser.add_argument("--batch-size", type=int, default=1, help="1: POST /score per payment; more: /score/batch.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database-url", help="A throwaway database (default: a fresh SQLite file in a temp dir).")
    parser.add_argument(
        "--redis-url", default="", help="Redis for the live velocity state (default: none, features from the DB)."
    )
    parser.add_argument(
        "--model-budget-ms",
        type=float,
        default=60_000,
        help="FRAUD_MODEL_BUDGET_MS for this run: quality is measured on the model's answers, so a busy machine "
        "must not turn them into rules-only fallbacks (bench/fraud_latency.py measures the production budget).",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fraud-quality-"))
    _configure(args, workdir)
    os.environ["FRAUD_MODEL_BUDGET_MS"] = str(args.model_budget_ms)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _refuse_non_empty()

    data, cut = _simulate(args)
    history, stream = _split(data.transactions, cut)
    print(f"simulated {len(data.transactions):,} payments ({data.transactions['is_fraud'].mean():.2%} fraud); "
          f"history {len(history):,} until {cut.date()}, streaming {len(stream):,} ({stream['is_fraud'].mean():.2%} fraud)")

    started = time.perf_counter()
    _import(data, history, workdir, call_command)
    print(f"import_data customers + transactions: {time.perf_counter() - started:.1f}s")

    from apps.fraud.training import fraud_train
    from apps.mlops.pipeline import TrainingOptions

    started = time.perf_counter()
    outcome = fraud_train(options=TrainingOptions(promote=True), report=lambda progress, message: None)
    print(f"training: {time.perf_counter() - started:.1f}s -> {outcome.version}, {outcome.promotion_reason}")

    started = time.perf_counter()
    answers = _stream(stream, batch_size=args.batch_size)
    elapsed = time.perf_counter() - started
    print(f"scored {len(answers):,} payments through the API in {elapsed:.1f}s ({len(answers) / elapsed:,.0f}/s); "
          f"fallback flags on {answers['fallback'].mean():.1%}")

    baseline = _random_forest(data.transactions, history, stream, outcome.version.parameters["split"])
    _report(stream, answers, baseline)


def _configure(args, workdir: Path) -> None:
    """Point Django at the throwaway database before it starts; refuse the project's own."""
    import environ

    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    config = environ.Env.db_url_config(url)
    name = str(config["NAME"])
    if Path(name).resolve() == (ROOT / "db.sqlite3").resolve() or Path(name).name in PROTECTED_DATABASES:
        sys.exit(f"refusing to use {name!r}: give --database-url a throwaway database")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=url,
        REDIS_URL=args.redis_url,
        CELERY_TASK_ALWAYS_EAGER="true",
        MEDIA_ROOT=str(workdir / "media"),
        THROTTLE_TOKEN_RATE="100000000/min",
        THROTTLE_IP_RATE="100000000/min",
        LOG_LEVEL="WARNING",
    )


def _refuse_non_empty() -> None:
    from apps.orders.models import Payment

    if Payment.objects.exists():
        sys.exit("refusing to run: the database already holds payments; give --database-url an empty database")


def _simulate(args):
    from ml.simulate.transactions import SimulationConfig, simulate_transactions

    config = SimulationConfig(n_customers=args.customers, n_terminals=args.terminals, n_days=args.days, seed=args.seed)
    data = simulate_transactions(config)
    cut = pd.Timestamp(config.start, tz="UTC") + pd.Timedelta(days=args.days - 7 * args.stream_weeks)
    return data, cut


def _split(transactions: pd.DataFrame, cut: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    timestamps = pd.to_datetime(transactions["timestamp"], utc=True)
    ordered = transactions.assign(timestamp=timestamps).sort_values("timestamp", kind="stable")
    return ordered[ordered["timestamp"] < cut], ordered[ordered["timestamp"] >= cut]


def _import(data, history: pd.DataFrame, workdir: Path, call_command) -> None:
    """Through the documented CSV formats, exactly as a merchant's files would come in."""
    from ml.simulate.transactions import TRANSACTION_COLUMNS

    customers = workdir / "customers.csv"
    data.customers[["customer_id", "country"]].to_csv(customers, index=False)
    transactions = workdir / "transactions.csv"
    history[TRANSACTION_COLUMNS].to_csv(transactions, index=False)
    for kind, path in (("customers", customers), ("transactions", transactions)):
        call_command("import_data", kind, str(path), "--no-progress", stdout=open(os.devnull, "w"))


def _stream(stream: pd.DataFrame, *, batch_size: int) -> pd.DataFrame:
    """POST every payment in time order; the answers, one row per payment, in the stream's order."""
    from rest_framework.test import APIClient

    from apps.accounts.models import User

    admin = User.objects.create(username="bench-admin", role=User.Role.PLATFORM_ADMIN, is_staff=True)
    client = APIClient()
    client.force_authenticate(admin)
    bodies = [_body(row) for row in stream.itertuples(index=False)]
    answers: list[dict] = []
    for start in range(0, len(bodies), batch_size):
        chunk = bodies[start : start + batch_size]
        if batch_size == 1:
            response = client.post("/api/v1/fraud/score", chunk[0], format="json")
            results = [response.json()]
        else:
            response = client.post("/api/v1/fraud/score/batch", {"transactions": chunk}, format="json")
            results = response.json().get("results", [])
        if response.status_code not in (200, 201):
            sys.exit(f"scoring answered {response.status_code}: {response.content[:500]!r}")
        answers.extend(results)
    frame = pd.DataFrame(answers)
    frame["fallback"] = frame["flags"].map(lambda flags: "FALLBACK" in flags)
    return frame


def _body(row) -> dict:
    body = {
        "transaction_id": row.transaction_id,
        "customer_id": row.customer_id,
        "merchant_id": row.merchant_id,
        "amount": f"{row.amount:.2f}",
        "currency": row.currency,
        "card_id": row.card_id,
        "device_id": row.device_id or "",
        "ip_address": row.ip_address or None,
        "merchant_category": row.merchant_category or "",
        "timestamp": row.timestamp.isoformat(),
        "country": row.country or "",
    }
    if not (pd.isna(row.latitude) or pd.isna(row.longitude)):
        body |= {"latitude": float(row.latitude), "longitude": float(row.longitude)}
    return body


def _random_forest(transactions: pd.DataFrame, history: pd.DataFrame, stream: pd.DataFrame, split: dict) -> dict:
    """A plain RandomForest on raw amount and time features: trained on the model's training window,
    thresholded on its threshold window with the same targets, scored on the streamed weeks."""
    from sklearn.ensemble import RandomForestClassifier

    from ml.fraud.features import features_for_history
    from ml.fraud.thresholds import choose_thresholds

    started = time.perf_counter()
    raw = features_for_history(pd.concat([history, stream]))[RAW_FEATURES]
    timestamps = pd.concat([history, stream])["timestamp"]
    labels = pd.concat([history, stream])["is_fraud"].astype(bool).to_numpy()

    def window(name: str) -> np.ndarray:
        start, end = (pd.Timestamp(moment) for moment in split[name])
        return ((timestamps >= start) & (timestamps < end)).to_numpy()

    forest = RandomForestClassifier(n_estimators=100, min_samples_leaf=5, n_jobs=-1, random_state=0)
    forest.fit(raw[window("train")], labels[window("train")])
    hold = window("thresholds")
    thresholds = choose_thresholds(labels[hold], forest.predict_proba(raw[hold])[:, 1])
    streamed = np.r_[np.zeros(len(history), bool), np.ones(len(stream), bool)]
    scores = forest.predict_proba(raw[streamed])[:, 1]
    decisions = np.array([thresholds.decision(score) for score in scores])
    print(f"random forest baseline: {time.perf_counter() - started:.1f}s")
    return {"score": scores, "decision": decisions}


def _report(stream: pd.DataFrame, answers: pd.DataFrame, baseline: dict) -> None:
    from ml.evaluation import card_precision_top_k, ranking_metrics
    from ml.fraud.model import CARD_PRECISION_K

    labels = stream["is_fraud"].astype(bool).to_numpy()
    days = stream["timestamp"].dt.floor("D").to_numpy()
    rows = {}
    for name, scores, decisions in (
        ("ShopSignal (API)", answers["score"].to_numpy(dtype=float), answers["decision"].to_numpy()),
        ("RandomForest raw", baseline["score"], baseline["decision"]),
    ):
        frame = pd.DataFrame({"day": days, "card_id": stream["card_id"].to_numpy(), "score": scores, "is_fraud": labels})
        figures = ranking_metrics(labels, scores)
        figures[f"card precision@{CARD_PRECISION_K}"] = card_precision_top_k(frame, k=CARD_PRECISION_K)[0]
        for decision, flagged in (("decline", decisions == "decline"), ("review+decline", decisions != "approve")):
            caught = int((flagged & labels).sum())
            figures[f"{decision} precision"] = caught / flagged.sum() if flagged.any() else float("nan")
            figures[f"{decision} recall"] = caught / labels.sum()
            figures[f"{decision} share"] = flagged.mean()
        rows[name] = figures
    table = pd.DataFrame(rows)
    print(f"\nstreamed weeks: {len(stream):,} payments, {labels.sum():,} frauds")
    print(table.to_string(float_format=lambda value: f"{value:.4f}"))
    print("\ndecisions (API): " + ", ".join(f"{k} {v:,}" for k, v in answers["decision"].value_counts().items()))


if __name__ == "__main__":
    main()
