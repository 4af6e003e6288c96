"""`manage.py import_data KIND FILE.csv`: bring a merchant's data in from a CSV export."""
from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.imports.errors import ImportRefused
from apps.imports.importers import IMPORTERS
from apps.imports.report import summary_lines
from apps.imports.services import DEFAULT_BATCH_SIZE, data_import


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Import a CSV file of products, customers, orders, transactions, events, reviews or chargebacks "
        "(formats: docs/data-formats.md). Re-importing a file is safe: rows are upserted on their ids."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", help=f"One of: {', '.join(IMPORTERS)}.")
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, header row first).")
        parser.add_argument("--batch-size", type=_positive, default=DEFAULT_BATCH_SIZE, help="Rows per transaction.")
        parser.add_argument("--rejects", type=Path, help="Write every rejected row, with its line and reason, to this CSV.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar on stderr.")
        parser.add_argument("--encoding", default="utf-8-sig", help="Text encoding of the file (default UTF-8).")
        parser.add_argument(
            "--no-copy", action="store_true", help="On PostgreSQL, write events through the ORM instead of COPY."
        )

    def handle(self, *args, **options) -> None:
        try:
            report = data_import(
                kind=options["kind"],
                path=options["file"],
                batch_size=options["batch_size"],
                rejects_path=options["rejects"],
                progress=None if options["no_progress"] else sys.stderr,
                encoding=options["encoding"],
                fast_path=not options["no_copy"],
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        for line in summary_lines(report):
            self.stdout.write(line)
