"""Benchmark `import_data events`: generate an events file, import it twice, print rows/s.

The second import measures the idempotent path (every event already known, 0 created).
It writes to a real database, so it refuses to run unless you name a throwaway database
with --database-url or confirm the configured one with --yes. Its rows carry a unique
run prefix and are deleted afterwards unless --keep is given.

    .venv/bin/python bench/import_events.py --rows 200000 --database-url postgres://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/import_events.py --yes            # the configured DATABASE_URL, 1,000,000 rows
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MERCHANTS = 20
PRODUCTS_PER_MERCHANT = 25
EVENTS_PER_CUSTOMER = 20
SEARCHES = ["name mug", "photo case", "star map", "engraved necklace", "custom hoodie", "birthstone ring"]
EVENT_TYPES = ["view"] * 12 + ["add_to_cart"] * 3 + ["remove_from_cart", "checkout", "purchase", "wishlist", "search"]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="Events to generate (default 1,000,000).")
    parser.add_argument("--database-url", help="A throwaway database to migrate and import into.")
    parser.add_argument("--yes", action="store_true", help="Confirm writing into the configured database.")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--no-copy", action="store_true", help="Use the ORM path even on PostgreSQL.")
    parser.add_argument("--keep", action="store_true", help="Leave the benchmark rows in the database.")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def _write_products(path: Path, prefix: str) -> list[str]:
    product_ids = []
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["product_id", "merchant_id", "title", "price", "category", "customisable"])
        for m in range(MERCHANTS):
            for p in range(PRODUCTS_PER_MERCHANT):
                product_id = f"{prefix}-P{m:02d}{p:03d}"
                product_ids.append(product_id)
                writer.writerow([product_id, f"{prefix}-M{m:02d}", f"Custom item {m}/{p}", f"{5 + p}.99", "Bench > Items", 1])
    return product_ids


def _write_events(path: Path, prefix: str, rows: int, product_ids: list[str], rng: random.Random) -> None:
    customers = max(1, rows // EVENTS_PER_CUSTOMER)
    start = datetime.now(UTC) - timedelta(days=90)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "timestamp", "customer_id", "session_id", "event_type", "product_id", "value", "query"])
        for n in range(rows):
            customer = rng.randrange(customers)
            event_type = rng.choice(EVENT_TYPES)
            searching = event_type == "search"
            moment = start + timedelta(seconds=rng.randrange(90 * 86400))
            writer.writerow(
                [
                    f"{prefix}-E{n:08d}",
                    moment.isoformat(timespec="seconds"),
                    f"{prefix}-C{customer:07d}",
                    f"{prefix}-S{customer:07d}-{moment:%j}",
                    event_type,
                    "" if searching else rng.choice(product_ids),
                    "" if searching else f"{rng.randrange(5, 80)}.99",
                    rng.choice(SEARCHES) if searching else "",
                ]
            )


def main() -> int:
    args = _arguments()
    if not args.database_url and not args.yes:
        print("Refusing to write benchmark rows into the configured database: pass --yes, or --database-url "
              "naming a throwaway database.", file=sys.stderr)
        return 2
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.catalog.models import Product
    from apps.customers.models import Customer
    from apps.events.models import Event
    from apps.imports.services import data_import
    from apps.merchants.models import Merchant

    call_command("migrate", verbosity=0)
    prefix = f"bench{int(time.time())}"
    rng = random.Random(args.seed)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; run prefix {prefix}")
    with tempfile.TemporaryDirectory() as folder:
        products_file, events_file = Path(folder) / "products.csv", Path(folder) / "events.csv"
        product_ids = _write_products(products_file, prefix)
        data_import(kind="products", path=products_file, progress=None)
        started = time.perf_counter()
        _write_events(events_file, prefix, args.rows, product_ids, rng)
        size_mb = events_file.stat().st_size / 1e6
        print(f"generated {args.rows:,} events ({size_mb:.0f} MB) in {time.perf_counter() - started:.1f}s")
        try:
            for attempt in ("first import", "re-import"):
                started = time.perf_counter()
                report = data_import(
                    kind="events",
                    path=events_file,
                    batch_size=args.batch_size,
                    progress=sys.stderr,
                    fast_path=not args.no_copy,
                )
                elapsed = time.perf_counter() - started
                print(
                    f"{attempt}: {report.rows_read:,} rows in {elapsed:.1f}s = {report.rows_read / elapsed:,.0f} rows/s "
                    f"(created {report.created:,}, unchanged {report.unchanged:,}, rejected {report.rejected:,})"
                )
        finally:
            if not args.keep:
                Event.objects.filter(external_id__startswith=prefix).delete()
                Customer.objects.filter(external_id__startswith=prefix).delete()
                Product.objects.filter(external_id__startswith=prefix).delete()
                Merchant.objects.filter(external_id__startswith=prefix).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
