"""Create the demo's running recommendations experiment and simulate attributed traffic for it."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.catalog.models import Product
from apps.experiments.demo import DEMO_KEY, DemoAssumptions, demo_experiment_create, demo_traffic_simulate
from apps.experiments.models import Experiment
from apps.merchants.models import Merchant

ASSUMED = DemoAssumptions()


class Command(BaseCommand):
    help = (
        f"Create the running experiment '{DEMO_KEY}' (hybrid blend as control vs popularity, 10% holdout) for the "
        "first merchant and simulate its traffic through the events API path. Assumptions, not data: "
        f"click-through per list shown {ASSUMED.click_through['control']:.0%} for the blend and holdout, "
        f"{ASSUMED.click_through['popularity']:.0%} for popularity; after a click, add-to-cart "
        f"{ASSUMED.add_to_cart_after_click:.0%} and purchase {ASSUMED.purchase_after_click:.0%} in every arm; "
        f"{ASSUMED.visits_per_shopper[0]}-{ASSUMED.visits_per_shopper[1]} visits per shopper."
    )

    def add_arguments(self, parser):
        parser.add_argument("--merchant", default=None, help="merchant slug (default: the first merchant)")
        parser.add_argument("--shoppers", type=int, default=3000, help="shoppers to simulate (default 3000)")
        parser.add_argument("--days", type=int, default=21, help="days of traffic ending now (default 21)")
        parser.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the demo experiment exists")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, merchant, shoppers, days, seed, if_empty, no_progress, **options):
        if Experiment.objects.filter(key=DEMO_KEY).exists():
            if if_empty:
                self.stdout.write(f"Experiment {DEMO_KEY} exists: nothing to seed (--if-empty).")
                return
            raise CommandError(f"Experiment {DEMO_KEY} exists; pass --if-empty to skip.")
        if shoppers < 1 or days < 1:
            raise CommandError("--shoppers and --days must be at least 1.")
        merchants = Merchant.objects.order_by("id")
        chosen = merchants.filter(slug=merchant).first() if merchant else merchants.first()
        if chosen is None:
            raise CommandError("No such merchant: run `manage.py seed_demo` first." if not merchant
                               else f"No merchant with slug {merchant!r}.")
        if not Product.objects.filter(merchant=chosen, active=True).exists():
            raise CommandError(f"{chosen.name} has no active products to recommend: run `manage.py seed_demo` first.")
        experiment = demo_experiment_create(merchant=chosen, started_days_ago=days)
        with tqdm(total=shoppers, desc="shoppers", unit="shopper", file=sys.stderr, disable=no_progress) as bar:
            summary = demo_traffic_simulate(experiment=experiment, shoppers=shoppers, days=days, seed=seed,
                                            progress=bar.update)
        self.stdout.write(self.style.SUCCESS(
            f"Experiment {DEMO_KEY} on {chosen.name}: {summary.exposures:,} lists served, {summary.events:,} events."
        ))
