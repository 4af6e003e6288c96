"""`manage.py train_all`: every registered model through the one pipeline, in order, with a summary table.

Models are trained in the order of `TRAINERS` (models whose features read another model's output
come after it). A model whose data cannot support it yet is reported as skipped with the
trainer's reason; a model that fails does not stop the others, but the command exits non-zero
so a scheduler or CI notices.
"""
from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.mlops.pipeline import TRAINERS, TrainingOptions, TrainingRefused, training_start_and_execute
from apps.mlops.services import TrainingAlreadyRunning


class Command(BaseCommand):
    help = "Train every registered model in order (each registered as a new version, promoted if it is better)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--promote", action="store_true", help="Promote each new version even without a production model to beat."
        )
        parser.add_argument("--only", nargs="+", choices=sorted(TRAINERS), help="Train just these models (still in order).")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars on stderr.")

    def handle(self, *args, **options) -> None:
        names = [name for name in TRAINERS if not options["only"] or name in options["only"]]
        rows: list[tuple[str, str, str, str]] = []
        failures = 0
        for name in names:
            started = time.perf_counter()
            status, detail = self._train(name, promote=options["promote"], quiet=options["no_progress"])
            failures += status == "failed"
            rows.append((name, status, f"{time.perf_counter() - started:.1f}s", detail))
        self._table(rows)
        if failures:
            raise CommandError(f"{failures} of {len(names)} models failed to train")

    def _train(self, name: str, *, promote: bool, quiet: bool) -> tuple[str, str]:
        with tqdm(total=100, desc=f"train {name}", unit="%", file=sys.stderr, disable=quiet, leave=False) as bar:

            def progress(fraction: float, message: str) -> None:
                bar.set_postfix_str(message[:50])
                bar.update(max(0, round(fraction * 100) - bar.n))

            try:
                _, outcome = training_start_and_execute(name=name, options=TrainingOptions(promote=promote), on_progress=progress)
            except TrainingRefused as exc:
                return "skipped", str(exc)
            except TrainingAlreadyRunning as exc:
                return "skipped", str(exc)
            except Exception as exc:  # one broken model must not keep the others from training
                return "failed", f"{type(exc).__name__}: {exc}"
        return ("promoted" if outcome.promoted else "registered"), f"{outcome.version}: {outcome.promotion_reason}"

    def _table(self, rows: list[tuple[str, str, str, str]]) -> None:
        header = ("model", "result", "time", "detail")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            self.stdout.write(f"{line}  {row[3]}")
