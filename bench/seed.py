"""Benchmark `seed_demo` at full size: 100,000 customers and about 1,000,000 events.

    .venv/bin/python bench/seed.py postgres://postgres@127.0.0.1:5432/bench_db

The target database is migrated and FLUSHED first, so the shared databases (the `postgres`
database, the project's db.sqlite3, the DATABASE_URL in the project's .env) are refused.
seed_demo prints the time and rows/s of every stage; this script adds the total, the row
counts written and whether the 10-minute budget was met.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 600
SHARED_DATABASE_NAMES = {"postgres", "template0", "template1"}


def configured_url() -> str | None:
    """DATABASE_URL from the project's .env, if any (the database `make demo` serves)."""
    env_file = ROOT / ".env"
    if not env_file.exists():
        return None
    for line in env_file.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "DATABASE_URL":
            return value.strip().strip("'\"")
    return None


def refusal(url: str) -> str | None:
    """Why `url` must not be flushed by a benchmark, or None when it is fair game."""
    import environ

    target = environ.Env.db_url_config(url)
    if target["ENGINE"].endswith("postgresql") and configured_url() and environ.Env.db_url_config(configured_url()) == target:
        return "it is the database the project's .env configures for the app"
    if str(target["NAME"]) in SHARED_DATABASE_NAMES:
        return f"{target['NAME']!r} is a shared database"
    if target["ENGINE"].endswith("sqlite3") and Path(target["NAME"]).resolve() == (ROOT / "db.sqlite3").resolve():
        return "it is the project's development database"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", help="database to flush and seed, e.g. postgres://postgres@127.0.0.1:5432/h3")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=3_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    reason = refusal(options.database_url)
    if reason:
        parser.error(f"refusing to flush {options.database_url}: {reason}")

    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    from apps.customers.models import Customer, MerchantCustomer
    from apps.events.models import Event
    from apps.orders.models import Order, Payment
    from apps.reviews.models import Review

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", customers=options.customers, events=options.events, products=options.products,
                 days=options.days, seed=options.seed)
    elapsed = time.perf_counter() - started

    for model in (Customer, Event, Order, Payment, Review, MerchantCustomer):
        print(f"{model._meta.verbose_name_plural:<22}{model.objects.count():>12,}")
    verdict = "within" if elapsed <= BUDGET_SECONDS else "OVER"
    print(f"seed_demo took {elapsed:.1f}s: {verdict} the {BUDGET_SECONDS // 60}-minute budget")
    return 0 if elapsed <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
