"""Rebuild search behaviour boosts and query figures now (beat does it hourly)."""
from django.core.management.base import BaseCommand

from apps.search.services import behaviour_refresh


class Command(BaseCommand):
    help = "Rebuild search behaviour boosts and the merchandiser's query figures from recent events."

    def handle(self, *args, **options) -> None:
        counts = behaviour_refresh()
        self.stdout.write(
            f"{counts['events']:,} events read: {counts['queries']:,} queries, "
            f"{counts['query_products']:,} (query, product) boosts"
        )
