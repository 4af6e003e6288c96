"""Re-run experiment attribution over stored events (after a failure of the live receiver).

Attribution is idempotent (one row per event and experiment), so re-running over events
already counted changes nothing.
"""
from __future__ import annotations

import sys
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from apps.events.models import Event, EventType
from apps.experiments.attribution import events_attribute

CHUNK = 1000


class Command(BaseCommand):
    help = "Attribute the last --days of events (with a recommendation_id, or purchases) to experiment arms."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="how far back to look (default 7)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, days, no_progress, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        events = (
            Event.objects.filter(timestamp__gte=timezone.now() - timedelta(days=days))
            .filter(~Q(recommendation_id="") | Q(type=EventType.PURCHASE))
            .order_by("id")
        )
        attributed = 0
        last_id = 0
        with tqdm(total=events.count(), desc="events", unit="event", file=sys.stderr, disable=no_progress) as bar:
            while True:
                chunk = list(events.filter(id__gt=last_id)[:CHUNK])
                if not chunk:
                    break
                attributed += events_attribute(chunk)
                last_id = chunk[-1].id
                bar.update(len(chunk))
        self.stdout.write(self.style.SUCCESS(f"{attributed:,} new attributions."))
