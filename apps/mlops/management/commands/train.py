"""`manage.py train NAME`: train a registered model now, in this process, with a progress bar.

The same pipeline as the portal's "Train now" (the `mlops.train` Celery task): the run is
recorded as a TrainingRun, the model registered as the next version of NAME, and promoted only
if it beats production on the same validation window, or with --promote.
"""
from __future__ import annotations

import sys
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.mlops.pipeline import TRAINERS, TrainingOptions, TrainingRefused, UnknownModel, training_start_and_execute
from apps.mlops.services import TrainingAlreadyRunning


def iso_datetime(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Train a model on the stored history, register it as a new version and promote it if it is better."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=f"The model to train: {', '.join(sorted(TRAINERS))}.")
        parser.add_argument(
            "--promote", action="store_true", help="Promote even if there is no production model to beat, or it is not beaten."
        )
        parser.add_argument("--since", type=iso_datetime, help="Only payments at or after this ISO date/time (UTC if no offset).")
        parser.add_argument("--until", type=iso_datetime, help="Only payments before this ISO date/time.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")
        parser.add_argument(
            "--if-enough-data",
            action="store_true",
            help="When the history is too small to train on, say why and exit successfully (for `make demo`).",
        )

    def handle(self, *args, **options) -> None:
        training = TrainingOptions(promote=options["promote"], since=options["since"], until=options["until"])
        with tqdm(total=100, desc=f"train {options['name']}", unit="%", file=sys.stderr, disable=options["no_progress"]) as bar:

            def progress(fraction: float, message: str) -> None:
                bar.set_postfix_str(message[:60])
                bar.update(max(0, round(fraction * 100) - bar.n))

            try:
                run, outcome = training_start_and_execute(name=options["name"], options=training, on_progress=progress)
            except TrainingRefused as exc:
                if options["if_enough_data"]:
                    self.stdout.write(f"Skipped training {options['name']}: {exc}")
                    return
                raise CommandError(str(exc)) from exc
            except (UnknownModel, TrainingAlreadyRunning) as exc:
                raise CommandError(str(exc)) from exc
            bar.update(100 - bar.n)
        width = max(len(label) for label, _ in outcome.summary)
        self.stdout.write(f"Training run {run.pk}: registered {outcome.version}")
        for label, value in outcome.summary:
            self.stdout.write(f"  {label:<{width}}  {value}")
        self.stdout.write(self.style.SUCCESS(outcome.promotion_reason) if outcome.promoted else outcome.promotion_reason)
