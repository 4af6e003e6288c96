"""The model pipeline's costs: `train_all` on the demo data, artifact load time, drift over 1,000,000 predictions.

    .venv/bin/python bench/mlops.py postgres://postgres@127.0.0.1:5432/bench_mlops [--skip-train]

1. the database is migrated, FLUSHED and seeded at `make demo`'s size (seed_demo, seed_payments),
   then `train_all --promote` runs every pipeline in order; its summary table and the total time
   are printed (shared databases are refused, as in bench/seed.py);
2. every production artifact is loaded from storage with its checksum verified, cold, N times;
3. drift: a reference profile is built from 200,000 training rows of 30 features, then PSI and KS
   are computed for 1,000,000 predictions (in memory), beside the time to read 100,000 logged
   predictions back from the PredictionLog table (the database part of a daily check).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import refusal  # noqa: E402

FEATURES = 30
REFERENCE_ROWS = 200_000
PREDICTIONS = 1_000_000
LOGGED_ROWS = 100_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="database to flush and seed, e.g. postgres://postgres@127.0.0.1:5432/bench_mlops")
    parser.add_argument("--skip-train", action="store_true", help="Only the load and drift measurements (no flush).")
    parser.add_argument("--loads", type=int, default=5, help="Cold loads per production artifact.")
    options = parser.parse_args()
    reason = refusal(options.database_url)
    if reason:
        parser.error(f"refusing to flush {options.database_url}: {reason}")
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not options.skip_train:
        _train_all(call_command)
    _loads(options.loads)
    _drift()
    return 0


def _train_all(call_command) -> None:
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", customers=3000, products=400, days=120, stdout=StringIO())
    call_command("seed_payments", stdout=StringIO(), no_progress=True)
    print(f"demo data (make demo's size): {time.perf_counter() - started:.1f}s")
    out = StringIO()
    started = time.perf_counter()
    try:
        call_command("train_all", "--promote", "--no-progress", stdout=out)
    finally:
        print(f"\ntrain_all: {time.perf_counter() - started:.1f}s in all\n{out.getvalue()}")


def _loads(repeats: int) -> None:
    from apps.mlops.artifacts import load_verified
    from apps.mlops.models import ModelVersion, Stage

    print("artifact loads (read, SHA-256 check, unpickle; cold each time):")
    for version in ModelVersion.objects.filter(stage=Stage.PRODUCTION).order_by("name"):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            load_verified(version.artifact, version.checksum)
            times.append((time.perf_counter() - started) * 1000)
        size_kb = version.artifact.size / 1024
        print(f"  {version.name:<18} v{version.version:<3} {size_kb:9,.0f} KB   median {statistics.median(times):8.1f} ms")


def _drift() -> None:
    from apps.mlops.models import ModelVersion, PredictionLog
    from apps.mlops.monitoring import logged_predictions, packed_features
    from apps.mlops.services import ModelCard, model_register
    from ml.monitoring.drift import drift_report, reference_profile

    rng = np.random.default_rng(0)
    names = [f"f{i}" for i in range(FEATURES)]
    training = rng.normal(0, 1, (REFERENCE_ROWS, FEATURES))
    started = time.perf_counter()
    profile = reference_profile(training, names)
    build = time.perf_counter() - started
    recent = rng.normal(0, 1, (PREDICTIONS, FEATURES))
    recent[:, :3] += 1.0  # three drifted features, so the report has something to find
    started = time.perf_counter()
    report = drift_report(profile, recent, names)
    compute = time.perf_counter() - started
    alerts = [d.name for d in report if d.severity == "alert"]
    print(f"\ndrift, {FEATURES} features:")
    print(f"  reference profile of {REFERENCE_ROWS:,} training rows   {build * 1000:8.0f} ms")
    print(f"  PSI + KS for {PREDICTIONS:,} predictions        {compute * 1000:8.0f} ms   alerts on {alerts}")

    card = ModelCard({}, {}, names, None, None, {}, reference=profile)
    version = model_register(name="bench-drift", obj={"bench": True}, card=card)
    try:
        rows = recent[:LOGGED_ROWS]
        PredictionLog.objects.bulk_create(
            [PredictionLog(model_version=version, features=packed_features(row), score=0.5) for row in rows], batch_size=5_000
        )
        from django.utils import timezone

        started = time.perf_counter()
        now = timezone.now()
        logged = logged_predictions(version, now - timezone.timedelta(days=1), now, LOGGED_ROWS)
        read = time.perf_counter() - started
        print(f"  read {len(logged.scores):,} logged predictions from the database {read * 1000:8.0f} ms "
              f"(x{PREDICTIONS // LOGGED_ROWS} for a million: about {read * PREDICTIONS / LOGGED_ROWS:.0f} s)")
    finally:
        ModelVersion.objects.filter(pk=version.pk).delete()
        version.artifact.delete(save=False)


if __name__ == "__main__":
    sys.exit(main())
