"""`manage.py refresh_price_suggestions [--all]`: store fair price suggestions now (beat does it hourly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.pricing.services import suggestions_refresh, suggestions_refresh_outdated


class Command(BaseCommand):
    help = "Store a fair price suggestion for each active listing without a current one (--all: every listing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every active listing, current or not")

    def handle(self, *args, all: bool, **options) -> None:  # noqa: A002  (the option's name)
        written = suggestions_refresh() if all else suggestions_refresh_outdated()
        self.stdout.write(f"Fair price suggestions: {written} stored.")
