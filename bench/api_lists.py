"""Time every /api/v1/ list endpoint on a seeded database, beside the bare ORM read of the same rows.

    .venv/bin/python bench/seed.py postgres://postgres@127.0.0.1:5432/bench_db      # once: 100k customers, 1M events
    .venv/bin/python bench/api_lists.py postgres://postgres@127.0.0.1:5432/bench_db [--requests 30]

For each list endpoint it prints p50/p95 latency of a 50-row page (through the full stack:
bearer auth, tenancy scope, filters, serialisation), the SQL queries per page, and the ratio
to the baseline: fetching the same 50 rows with `.values()` in the same run. A merchant-staff
token is timed too, since its scope adds a join or EXISTS to every query.
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

from bench.seed import refusal  # noqa: E402

ENDPOINTS = {
    "products": ("catalog", "Product"),
    "customers": ("customers", "Customer"),
    "orders": ("orders", "Order"),
    "payments": ("orders", "Payment"),
    "reviews": ("reviews", "Review"),
    "events": ("events", "Event"),
}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--requests", type=int, default=30)
    options = parser.parse_args()
    reason = refusal(options.database_url)
    if reason:
        print(f"refusing {options.database_url}: {reason}")
        return 2
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["THROTTLE_TOKEN_RATE"] = os.environ["THROTTLE_IP_RATE"] = "1000000/min"
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import ApiToken, User
    from apps.merchants.models import Membership, Merchant

    merchant = Merchant.objects.order_by("id").first()
    if merchant is None:
        print("the database is empty: seed it first with bench/seed.py")
        return 2
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": User.Role.PLATFORM_ADMIN})
    staff, _ = User.objects.get_or_create(username="bench-staff", defaults={"role": User.Role.MERCHANT_STAFF})
    Membership.objects.get_or_create(user=staff, merchant=merchant)
    tokens = {
        "platform admin": ApiToken.issue(user=admin, name="bench")[1],
        "merchant staff": ApiToken.issue(user=staff, name="bench")[1],
    }

    print(f"{'endpoint':<10} {'caller':<15} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'ORM ms':>8} {'ratio':>6}")
    for name, (app_label, model_name) in ENDPOINTS.items():
        model = apps.get_model(app_label, model_name)
        baseline = []
        for _ in range(options.requests):
            started = time.perf_counter()
            list(model.objects.order_by("-pk")[:50].values())
            baseline.append((time.perf_counter() - started) * 1000)
        for caller, raw in tokens.items():
            client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
            samples = []
            for _ in range(options.requests):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(f"/api/v1/{name}/", {"page_size": 50})
                    samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            base = statistics.median(baseline)
            p50 = percentile(samples, 0.5)
            print(f"{name:<10} {caller:<15} {p50:8.1f} {percentile(samples, 0.95):8.1f} "
                  f"{len(queries.captured_queries):8d} {base:8.2f} {p50 / base:6.1f}")
    ApiToken.objects.filter(name="bench").delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
