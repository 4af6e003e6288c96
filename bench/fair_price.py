"""Fair price model against the category median on the demo catalog: MAE, MAPE and range coverage.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fair_price.py [--splits 5]

Reads the active priced listings of a seeded database (`make seed`, or `manage.py seed_demo`) with
their demand over the last 90 days, exactly as `train fair_price` does, and repeats the trainer's
measurement (5-fold cross-validation, every listing held out once, figures pooled) with `--repeats`
different fold assignments; for comparison, single random 80/20 holdouts as well (`--splits`), to
show how much one split moves the figures. Baseline in the same run, on the same held-out rows: the
median price of the listing's category (deepest level with at least 5 listings), and its
interquartile range, the fallback shown when no model is trained. Writes nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="Cross-validations with different folds.")
    parser.add_argument("--splits", type=int, default=5, help="Single random 80/20 holdouts, for their spread.")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.utils import timezone

    from apps.pricing.selectors import DEMAND_WINDOW_DAYS, priced_products, product_frame
    from apps.pricing.training import COVERAGE, FOLDS
    from ml.risk.fair_price import evaluate_cross_validated, evaluate_holdout

    frame = product_frame(priced_products(), now=timezone.now())
    if len(frame) < 50:
        raise SystemExit(f"{len(frame)} priced listings: seed the database first (make seed)")
    categories = frame["category"].replace("", None).dropna().nunique()
    print(f"{len(frame):,} active listings in {categories} categories; demand over {DEMAND_WINDOW_DAYS} days; "
          f"target coverage {COVERAGE:.0%}; timings from a shared host")

    def measure(label: str, runs: int, evaluate) -> None:
        results, seconds = [], []
        for seed in range(runs):
            started = time.perf_counter()
            results.append(evaluate(seed))
            seconds.append(time.perf_counter() - started)
        print(f"{label}: {results[0].test_rows} listings held out per run, mean ± sd over {runs} runs:")
        _table(results, seconds)

    measure(f"{FOLDS}-fold cross-validation (the trainer's figures)", options.repeats,
            lambda seed: evaluate_cross_validated(frame, folds=FOLDS, seed=seed, coverage=COVERAGE))
    measure("single 80/20 holdouts", options.splits,
            lambda seed: evaluate_holdout(frame, test_share=0.2, seed=seed, coverage=COVERAGE))
    return 0


def _table(results, seconds) -> None:
    def row(label: str, values: list[float], fmt: str) -> None:
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"  {label:<44} {format(statistics.fmean(values), fmt):>9} ± {format(spread, fmt)}")

    row("model MAE (median of the range)", [r.mae for r in results], ".2f")
    row("category median MAE", [r.baseline_mae for r in results], ".2f")
    row("model MAPE", [r.mape for r in results], ".1%")
    row("category median MAPE", [r.baseline_mape for r in results], ".1%")
    row("MAPE ratio model / category median", [r.mape / r.baseline_mape for r in results], ".3f")
    row("model range coverage (target 80%)", [r.coverage for r in results], ".1%")
    row("model range width / median", [r.mean_width for r in results], ".0%")
    row("category IQR coverage (nominal 50%)", [r.baseline_iqr_coverage for r in results], ".1%")
    row("category IQR width / median", [r.baseline_iqr_width for r in results], ".0%")
    row("seconds per run (fits + scoring)", seconds, ".1f")


if __name__ == "__main__":
    raise SystemExit(main())
