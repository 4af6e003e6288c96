"""What the experiment framework adds to a recommendation request, and what the results page costs.

    .venv/bin/python bench/experiments.py [DATABASE_URL] [--calls 20000]

Inside one transaction that is rolled back at the end (nothing is left behind), on the given
database (default: the configured one):
1. `experiment_assign` from the per-process cache, against the baseline it replaces: loading the
   running experiments from the database on every call (`running_load`, two queries);
2. `exposure_record` (one Exposure row and the unit's membership row; commit cost excluded);
3. attribution of a batch of 1,000 events and `experiment_results` over the units it made.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(fn, calls: int) -> list[float]:
    times = []
    for i in range(calls):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    return times


def _line(label: str, times: list[float], unit: float, suffix: str) -> float:
    ordered = sorted(times)
    median = statistics.median(ordered)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(f"{label:<44} median {median * unit:9.1f} {suffix}   p99 {p99 * unit:9.1f} {suffix}   ({len(times):,} calls)")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", nargs="?", default=None)
    parser.add_argument("--calls", type=int, default=20_000, help="assignment calls (default 20,000)")
    options = parser.parse_args()
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.events.models import Event
    from apps.experiments.attribution import events_attribute
    from apps.experiments.running import running_load
    from apps.experiments.selectors import experiment_results
    from apps.experiments.services import (
        VariantSpec,
        experiment_assign,
        experiment_create,
        experiment_start,
        exposure_record,
    )
    from apps.merchants.models import Merchant

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    with transaction.atomic():
        merchant = Merchant.objects.create(name="Bench experiments", slug="bench-experiments", external_id="BENCH-EXP")
        experiment = experiment_create(
            actor=None, key="bench-experiments", name="Bench", surface="recommendations", merchant_id=merchant.pk,
            holdout_share=0.1, source="command",
            variants=[VariantSpec("control", is_control=True), VariantSpec("popularity", params={"strategy": "popularity"})],
        )
        experiment_start(actor=None, experiment=experiment, source="command")
        experiment_assign(surface="recommendations", unit_id="warm-up", merchant_id=merchant.pk)

        cached = _line("experiment_assign (cached)", _timed(
            lambda i: experiment_assign(surface="recommendations", unit_id=f"C{i}", merchant_id=merchant.pk),
            options.calls), 1e6, "us")
        baseline = _line("baseline: load running experiments per call", _timed(
            lambda i: running_load(), max(200, options.calls // 50)), 1e6, "us")
        print(f"{'':<44} cached assignment is {baseline / cached:,.0f}x faster than the baseline")

        rids: list[str] = []

        def record(i: int) -> None:
            assignment = experiment_assign(surface="recommendations", unit_id=f"C{i}", merchant_id=merchant.pk)
            rids.append(exposure_record(assignment=assignment, surface="recommendations", unit_id=f"C{i}",
                                        merchant_id=merchant.pk, items=["P1", "P2", "P3", "P4", "P5", "P6"]))

        _line("assign + exposure_record (no commit)", _timed(record, 2000), 1e3, "ms")

        now = timezone.now()
        events = Event.objects.bulk_create([
            Event(external_id=f"bench-exp-{i}", merchant=merchant, type="click" if i % 4 else "impression",
                  anonymous_id=f"C{i}", timestamp=now, recommendation_id=rids[i])
            for i in range(1000)
        ])
        started = time.perf_counter()
        attributed = events_attribute(events)
        print(f"{'attribute 1,000 events':<44} {time.perf_counter() - started:9.3f} s   ({attributed:,} attributions)")
        _line("experiment_results (2,000 units)", _timed(lambda i: experiment_results(experiment=experiment), 20),
              1e3, "ms")
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
