"""Judge stored sessions for bots now (the 15-minute job does the last few hours)."""
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.bots.services import describe, sessions_score
from apps.merchants.models import Merchant


class Command(BaseCommand):
    help = "Score every session with an event in the last N days and store the verdicts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1, help="sessions with an event in the last N days (default 1)")
        parser.add_argument("--merchant", help="only this merchant (slug)")
        parser.add_argument("--no-rollups", action="store_true",
                            help="do not rebuild the analytics days whose sessions changed verdict (rebuilt next anyway)")

    def handle(self, *args, days, merchant, no_rollups, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        merchant_ids = None
        if merchant:
            found = Merchant.objects.filter(slug=merchant).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"no merchant {merchant!r}")
            merchant_ids = [found]
        summary = sessions_score(
            since=timezone.now() - timedelta(days=days), merchant_ids=merchant_ids, follow_rollups=not no_rollups
        )
        report = describe(summary)
        self.stdout.write(
            f"Judged {report['sessions']:,} sessions of {report['min_events']}+ events at {report['merchants']} merchants "
            f"with the {report['method']}: {report['flagged']:,} flagged, {report['unflagged']:,} cleared."
        )
