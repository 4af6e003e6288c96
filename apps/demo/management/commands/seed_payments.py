"""Import a simulated card-payment history for the demo merchants, so the fraud model has data to learn from."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.demo.payments_history import CUSTOMER_PREFIX, demo_payments_seed
from apps.imports.report import summary_lines
from apps.orders.models import Payment


class Command(BaseCommand):
    help = "Simulate a labelled card-payment history (handbook design) and import it through import_data."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=500, help="card holders to simulate")
        parser.add_argument("--terminals", type=int, default=300, help="checkouts, mapped onto the demo merchants")
        parser.add_argument("--days", type=int, default=90, help="history length, ending today")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--live-days", type=int, default=2, help="last days kept out of the history, for live scoring")
        parser.add_argument("--live-file", type=Path, default=Path("var/demo/live_payments.csv"))
        parser.add_argument("--if-empty", action="store_true", help="do nothing if a simulated history is already there")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, customers, terminals, days, seed, live_days, live_file, if_empty, no_progress, **options):
        if if_empty and Payment.objects.filter(customer__external_id__startswith=CUSTOMER_PREFIX).exists():
            self.stdout.write("A simulated payment history is already imported; nothing to do.")
            return
        try:
            result = demo_payments_seed(
                customers=customers,
                terminals=terminals,
                days=days,
                seed=seed,
                live_days=live_days,
                live_file=live_file,
                progress=None if no_progress else self.stderr,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for report in (result.customers, result.transactions):
            for line in summary_lines(report):
                self.stdout.write(line)
        self.stdout.write(
            f"Kept the last {live_days} days ({result.live_rows:,} payments) for live scoring in {live_file}: "
            f"after training, run `manage.py import_data scored_transactions {live_file}`."
        )
