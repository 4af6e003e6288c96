"""`manage.py analyze_reviews`: backfill review analyses in batches, with a progress bar."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.merchants.models import Merchant
from apps.reviews.analysis_service import BATCH_SIZE, reviews_backfill, reviews_to_analyze
from apps.reviews.scoring import active_scorer
from apps.reviews.topic_service import merchants_topics_refit


class Command(BaseCommand):
    help = (
        "Analyse reviews (sentiment, sentences, aspects) that have no analysis yet, or all of them with --all; "
        "then refit the topics of the merchants touched and store every review's topics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-analyse every review (e.g. after a new model).")
        parser.add_argument("--merchant", action="append", help="Merchant slug (repeatable); default: every merchant.")
        parser.add_argument("--limit", type=int, help="Analyse at most this many reviews (oldest first).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Reviews scored and written per batch.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")

    def handle(self, *args, **options) -> None:
        merchant_ids = None
        if options["merchant"]:
            found = dict(Merchant.objects.filter(slug__in=options["merchant"]).values_list("slug", "pk"))
            unknown = sorted(set(options["merchant"]) - found.keys())
            if unknown:
                raise CommandError(f"Unknown merchant(s): {', '.join(unknown)}")
            merchant_ids = list(found.values())
        if options["batch_size"] < 1 or (options["limit"] is not None and options["limit"] < 1):
            raise CommandError("--batch-size and --limit must be at least 1")
        reviews = reviews_to_analyze(only_missing=not options["all"], merchant_ids=merchant_ids)
        if options["limit"]:
            reviews = reviews.filter(pk__in=list(reviews.values_list("pk", flat=True)[: options["limit"]]))
        total = reviews.count()
        touched = list(reviews.order_by().values_list("merchant_id", flat=True).distinct())
        scorer = active_scorer()
        with tqdm(total=total, desc="analyse reviews", unit="review", file=sys.stderr, disable=options["no_progress"]) as bar:
            done = reviews_backfill(reviews, batch_size=options["batch_size"], on_batch=bar.update)
        self.stdout.write(f"Analysed {done:,} review(s) with {scorer.version}.")
        for merchant_id, model in merchants_topics_refit(touched).items():
            slug = Merchant.objects.filter(pk=merchant_id).values_list("slug", flat=True).first()
            found = f"{len(model.topics)} topic(s), coherence {model.coherence:.2f}" if model else "too few reviews for topics"
            self.stdout.write(f"Topics of {slug}: {found}; every analysed review's topics rewritten.")
