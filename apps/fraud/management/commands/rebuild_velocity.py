"""`manage.py rebuild_velocity`: warm the Redis velocity state before live traffic, with a progress bar."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.fraud.velocity_warm import velocity_rebuild


class Command(BaseCommand):
    help = (
        "Load the velocity state (per customer, card and device) of everyone who paid in the last days into Redis, "
        "so the first payments after a deployment, a Redis flush or a bulk import are not scored from the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=float, default=7.0, help="Entities that paid in this many days up to the newest payment (default 7)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")

    def handle(self, *args, **options) -> None:
        if options["days"] <= 0:
            raise CommandError("--days must be positive")
        with tqdm(desc="velocity", unit="entity", file=sys.stderr, disable=options["no_progress"]) as bar:

            def progress(done: int, total: int, message: str) -> None:
                bar.total = total
                bar.set_postfix_str(message)
                bar.update(done - bar.n)

            summary = velocity_rebuild(days=options["days"], progress=progress)
        if summary is None:
            raise CommandError("Redis is not configured or not answering (REDIS_URL); scoring reads the database.")
        self.stdout.write(
            f"Velocity state rebuilt for {summary.customers:,} customers, {summary.cards:,} cards "
            f"and {summary.devices:,} devices."
        )
