"""Render every analytics dashboard server-side on a seeded database, against computing it from raw rows.

    .venv/bin/python bench/dashboards.py postgres://postgres@127.0.0.1:5432/bench100k [--renders 20] [--skip-build]

1. Migrates the analytics app and rebuilds the rollups (timed), unless --skip-build.
2. Renders each dashboard page (default filters: the 90 days up to the last day with data) through
   the full Django stack with the test Client, `--renders` times, signed in as one merchant's staff
   and as a platform admin, and prints p50/p95 against the 300 ms target.
3. Baseline, in the same run: the same aggregates computed from raw orders, events and reviews
   for the same 90 days and merchants (what a dashboard without rollups would have to do per view).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--raw-runs", type=int, default=2, help="How often to time the raw baseline.")
    parser.add_argument("--skip-build", action="store_true", help="Reuse the rollups already in the database.")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.analytics.dashboards import PAGES
    from apps.analytics.filters import DEFAULT_DAYS, latest_day
    from apps.analytics.rollups import Batch, batch_compute, cohorts_compute, rollups_rebuild
    from apps.analytics.segmentation import segment_memberships
    from apps.events.models import Event
    from apps.merchants.models import Membership, Merchant

    for app_label in ("analytics", "segments"):  # segments: rollups read the current segmentation, if any
        if apps.is_installed(f"apps.{app_label}"):
            call_command("migrate", app_label, verbosity=0)
    merchants = list(Merchant.objects.order_by("id").values_list("id", flat=True))
    if not merchants:
        print("the database is empty: seed it first (bench/seed.py)")
        return 2
    print(f"{Event.objects.count():,} events, {len(merchants)} merchants")
    if not options.skip_build:
        started = time.perf_counter()
        summary = rollups_rebuild()
        seconds = time.perf_counter() - started
        print(f"rollups rebuilt in {seconds:.1f} s ({summary.days} merchant-days, {summary.batches} batches)")

    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": User.Role.PLATFORM_ADMIN})
    staff, _ = User.objects.get_or_create(username="bench-staff", defaults={"role": User.Role.MERCHANT_STAFF})
    Membership.objects.get_or_create(user=staff, merchant_id=merchants[0])
    callers = {"merchant staff": (staff, [merchants[0]]), "platform admin": (admin, merchants)}

    last = latest_day(None)
    first = last - timedelta(days=DEFAULT_DAYS - 1)
    memberships = segment_memberships(merchants)

    def raw_ms(merchant_ids: list[int]) -> float:
        """Every dashboard aggregate of the 90 days recomputed from raw rows, for these merchants."""
        timings = []
        for _ in range(options.raw_runs):
            started = time.perf_counter()
            for merchant_id in merchant_ids:
                batch_compute(Batch(merchant_id, first, last), membership=memberships[merchant_id])
                cohorts_compute(merchant_id, membership=memberships[merchant_id])
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    print(f"range {first} .. {last}; {options.renders} renders per dashboard and caller; target p95 < {TARGET_MS:.0f} ms")
    print(f"{'dashboard':<18} {'caller':<15} {'p50 ms':>8} {'p95 ms':>8} {'target':>7} {'raw ms':>9} {'raw/p50':>8}")
    worst = 0.0
    for caller, (user, merchant_ids) in callers.items():
        client = Client()
        client.force_login(user)
        raw = raw_ms(merchant_ids)
        for slug in PAGES:
            url = reverse(f"analytics:{slug}")
            assert client.get(url).status_code == 200  # warm-up, and a check that the page renders
            samples = []
            for _ in range(options.renders):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            worst = max(worst, p95)
            verdict = "ok" if p95 < TARGET_MS else "MISS"
            print(f"{slug:<18} {caller:<15} {p50:8.1f} {p95:8.1f} {verdict:>7} {raw:9.0f} {raw / p50:7.0f}x")
    print(f"worst p95 {worst:.1f} ms: {'within' if worst < TARGET_MS else 'over'} the {TARGET_MS:.0f} ms target")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
