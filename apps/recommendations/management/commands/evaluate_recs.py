"""`manage.py evaluate_recs`: measure every recommendation source, the blend and a popularity baseline.

Works on whatever interactions the database holds (the demo's, or a merchant's own imported with
`import_data products` and `import_data events`), with a time-ordered split: each shopper's later
interactions are held out. Nothing is registered; `manage.py train recommendations` does that.
"""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.merchants.models import Merchant
from apps.mlops.management.commands.train import iso_datetime
from apps.mlops.pipeline import TrainingRefused
from apps.recommendations import integrations
from apps.recommendations.selectors import interactions_frame, products_frame
from apps.recommendations.training import evaluation_rows, history_check
from ml.recs.evaluate import K, NotEnoughHistory
from ml.recs.training import recs_evaluate

REQUIRED_LIFT = 1.3


class Command(BaseCommand):
    help = "Evaluate recommendation sources, their blend and a most-popular baseline on a time-ordered split."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--merchant", help="Only this merchant's products and events (slug or external id).")
        parser.add_argument("--since", type=iso_datetime, help="Only interactions at or after this ISO date/time.")
        parser.add_argument("--until", type=iso_datetime, help="Only interactions before this ISO date/time.")
        parser.add_argument("--max-shoppers", type=int, default=1500, help="Shoppers sampled for validation and test.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")

    def handle(self, *args, **options) -> None:
        merchant_ids = None
        if options["merchant"]:
            merchant = Merchant.objects.filter(slug=options["merchant"]).first() or Merchant.objects.filter(
                external_id=options["merchant"]).first()
            if merchant is None:
                raise CommandError(f"unknown merchant {options['merchant']!r}")
            merchant_ids = [merchant.pk]
        events = interactions_frame(since=options["since"], until=options["until"], merchant_ids=merchant_ids)
        products = products_frame(merchant_ids=merchant_ids)
        try:
            history_check(events, products)
        except TrainingRefused as exc:
            raise CommandError(str(exc)) from exc
        segments = integrations.segment_membership(merchant_id=merchant_ids[0] if merchant_ids else None)
        with tqdm(total=100, desc="evaluate", unit="%", file=sys.stderr, disable=options["no_progress"]) as bar:

            def progress(fraction: float, message: str) -> None:
                bar.set_postfix_str(message[:60])
                bar.update(max(0, round(fraction * 100) - bar.n))

            try:
                evaluation, rows = recs_evaluate(events, products, segments=segments, progress=progress,
                                                 max_shoppers=options["max_shoppers"])
            except NotEnoughHistory as exc:
                raise CommandError(f"not enough data: {exc}") from exc
            bar.update(100 - bar.n)
        self.stdout.write(f"{len(events):,} interactions of {events['customer'].nunique():,} shoppers over "
                          f"{len(products):,} products; train / validation / test "
                          f"{rows['train']:,} / {rows['validation']:,} / {rows['test']:,}")
        if not segments:
            self.stdout.write("segment source skipped: no customer segments available")
        width = max(len(label) for label, _ in evaluation_rows(evaluation))
        for label, value in evaluation_rows(evaluation):
            self.stdout.write(f"  {label:<{width}}  {value}")
        lift = evaluation["ndcg_lift_over_popularity"]
        verdict = f"blend nDCG@{K} is {lift:.2f}x the popularity baseline" if lift is not None else "no baseline figure"
        if lift is not None and lift >= REQUIRED_LIFT:
            self.stdout.write(self.style.SUCCESS(f"{verdict} (target {REQUIRED_LIFT:.2f}x): met"))
        else:
            self.stdout.write(self.style.WARNING(f"{verdict} (target {REQUIRED_LIFT:.2f}x): not met"))
