"""Fill an empty database with a simulated marketplace for the demo and the benchmarks.

Rows depend only on --seed and the date window: the same seed and --end-date always give the
same rows. --end-date defaults to today (UTC) so dashboards show recent activity; pass a
fixed date to reproduce a seed exactly on another day.
"""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.demo.selectors import catalog_product_count
from apps.demo.services import demo_seed
from apps.demo.timing import timing_table
from ml.simulate.config import SimulationConfig


class Command(BaseCommand):
    help = "Seed a deterministic demo marketplace: merchants, products, shoppers, events, orders, payments, reviews."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000, help="number of shoppers (default 2000)")
        parser.add_argument("--products", type=int, default=300, help="number of products (default 300)")
        parser.add_argument("--days", type=int, default=90, help="days of history ending on --end-date (default 90)")
        parser.add_argument("--events", type=int, default=None,
                            help="aim for about this many events (default: the shoppers' natural visit rates)")
        parser.add_argument("--seed", type=int, default=7, help="random seed; same seed, same rows (default 7)")
        parser.add_argument("--end-date", type=date.fromisoformat, default=None,
                            help="last simulated day, YYYY-MM-DD (default: today, UTC)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when products already exist (makes `make demo` quick to re-run)")

    def handle(self, *args, customers, products, days, events, seed, end_date, if_empty, **options):
        existing = catalog_product_count()
        if existing:
            if if_empty:
                self.stdout.write(f"The catalog already holds {existing:,} products: nothing to seed (--if-empty).")
                return
            raise CommandError(
                f"The catalog already holds {existing:,} products; seed_demo fills an empty database. "
                "Pass --if-empty to skip, or run `manage.py flush` first."
            )
        try:
            config = SimulationConfig(end=end_date or timezone.now().date(), customers=customers, products=products,
                                      days=days, seed=seed, events=events)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        stages = demo_seed(config=config)
        for line in timing_table(stages):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {config.days} days to {config.end} with seed {config.seed}."
        ))
