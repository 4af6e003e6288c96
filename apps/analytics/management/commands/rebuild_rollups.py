"""`manage.py rebuild_rollups`: rebuild the analytics rollups now, with a progress bar, then flag anomalies."""
from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.analytics.rollups import rollups_rebuild
from apps.analytics.tasks import anomalies_detect_all
from apps.merchants.models import Merchant


class Command(BaseCommand):
    help = "Rebuild the daily rollups the analytics dashboards read (all merchants and days by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--merchant", action="append", help="Merchant slug (repeatable); default: every merchant.")
        parser.add_argument(
            "--since", type=date.fromisoformat, help="First day to rebuild (YYYY-MM-DD); default: the first day with data."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")

    def handle(self, *args, **options) -> None:
        merchant_ids = None
        if options["merchant"]:
            found = dict(Merchant.objects.filter(slug__in=options["merchant"]).values_list("slug", "pk"))
            unknown = sorted(set(options["merchant"]) - found.keys())
            if unknown:
                raise CommandError(f"Unknown merchant(s): {', '.join(unknown)}")
            merchant_ids = list(found.values())
        with tqdm(desc="rollups", unit="batch", file=sys.stderr, disable=options["no_progress"]) as bar:

            def progress(done: int, total: int, message: str) -> None:
                bar.total = total
                bar.set_postfix_str(message[:60])
                bar.update(done - bar.n)

            summary = rollups_rebuild(merchant_ids=merchant_ids, since=options["since"], progress=progress)
        flagged = anomalies_detect_all(summary.merchant_ids)
        self.stdout.write(
            f"Rebuilt rollups of {len(summary.merchant_ids)} merchant(s), {summary.days} merchant-days in "
            f"{summary.batches} batch(es); {flagged} new KPI anomal{'y' if flagged == 1 else 'ies'}."
        )
