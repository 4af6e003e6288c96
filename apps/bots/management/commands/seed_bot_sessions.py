"""Plant realistic bot sessions (scrapers, cart hoarders, slow crawlers) into the demo's events."""
from django.core.management.base import BaseCommand, CommandError

from apps.bots.demo import bot_sessions_plant


class Command(BaseCommand):
    help = "Plant seeded bot sessions into the stored events (idempotent: existing event ids are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=80, help="bot sessions to plant (default 80)")
        parser.add_argument("--days", type=int, default=30, help="spread over the last N days of the history (default 30)")
        parser.add_argument("--seed", type=int, default=11, help="random seed; same seed, same rows (default 11)")

    def handle(self, *args, sessions, days, seed, **options):
        if sessions < 1 or days < 1:
            raise CommandError("--sessions and --days must be at least 1")
        try:
            summary = bot_sessions_plant(sessions=sessions, days=days, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Planted {summary.sessions:,} bot sessions: {summary.created:,} new events "
            f"({summary.events - summary.created:,} already there)."
        )
