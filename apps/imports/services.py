"""Importing a merchant's CSV file: stream, validate, write batch by batch, report.

Each batch is one transaction. A row that fails validation is rejected alone; a database
failure rolls the whole batch back and rejects all its rows with that reason, then the
import carries on, so one bad batch never leaves half its rows behind or stops the file.
"""
from __future__ import annotations

import codecs
import logging
from pathlib import Path
from typing import TextIO

from django.db import DatabaseError, transaction

from apps.imports.csv_source import CsvSource, Record, batched
from apps.imports.errors import ImportRefused
from apps.imports.importers import IMPORTERS
from apps.imports.importers.base import BatchOutcome, Importer, ParsedRow, RowRejected, sibling_reason
from apps.imports.report import ImportReport, Reject, RejectSink

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000


def data_import(
    *,
    kind: str,
    path: Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rejects_path: Path | None = None,
    progress: TextIO | None = None,
    encoding: str = "utf-8-sig",
    fast_path: bool = True,
) -> ImportReport:
    """Import `path` as `kind`, drawing a progress bar on `progress` if given.

    Raises ImportRefused, before writing anything, if the file cannot be read as that kind.
    """
    importer_class = IMPORTERS.get(kind)
    if importer_class is None:
        raise ImportRefused(f"Unknown kind {kind!r}; expected one of {', '.join(IMPORTERS)}.")
    if not path.is_file():
        raise ImportRefused(f"No such file: {path}.")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportRefused(f"Unknown encoding {encoding!r}.") from None
    records = CsvSource(path, encoding=encoding, progress=progress).open()
    try:
        header = next(records, None)
        if header is None:
            raise ImportRefused(f"{path} is empty: expected a header row.")
        importer = importer_class(header=header.cells, fast_path=fast_path)
        report = ImportReport(kind=kind, counted=importer.counted, ignored_columns=importer.ignored_columns)
        sink = RejectSink(report, header=header.cells, path=rejects_path)
        try:
            earlier_groups: dict[str, int] = {}
            for batch in batched(records, size=batch_size, group_index=importer.group_index):
                report.rows_read += len(batch)
                _batch_import(importer, batch, report, sink, earlier_groups)
        finally:
            sink.close()
    finally:
        records.close()
    return report


def _batch_import(
    importer: Importer, batch: list[Record], report: ImportReport, sink: RejectSink, earlier_groups: dict[str, int]
) -> None:
    parsed, rejects = _batch_parse(importer, batch, earlier_groups)
    outcome = _batch_write(importer, parsed, first_line=batch[0].line, last_line=batch[-1].line)
    report.created += outcome.created
    report.updated += outcome.updated
    report.unchanged += outcome.unchanged
    for reject in sorted([*rejects, *outcome.rejects], key=lambda r: r.line):
        sink.add(reject)


def _batch_parse(
    importer: Importer, batch: list[Record], earlier_groups: dict[str, int]
) -> tuple[list[ParsedRow], list[Reject]]:
    """Validate every row; a group (an order) with one invalid row is rejected whole."""
    rejects: list[Reject] = []
    parsed: list[ParsedRow] = []
    failed_groups: dict[str, int] = {}
    for record in batch:
        group = _group_of(importer, record)
        if group in earlier_groups:
            first = earlier_groups[group]
            reason = f"{importer.group_column}: the rows of {group} must be consecutive; it already appeared on line {first}"
            rejects.append(Reject(record.line, reason, tuple(record.cells)))
            continue
        try:
            parsed.append(importer.parse(record))
        except RowRejected as exc:
            rejects.append(Reject(record.line, str(exc), tuple(record.cells)))
            if group:
                failed_groups.setdefault(group, record.line)
    for record in batch:
        group = _group_of(importer, record)
        if group:
            earlier_groups.setdefault(group, record.line)
    if not failed_groups:
        return parsed, rejects
    kept = []
    for row in parsed:
        group = row.cells[importer.group_index]
        if group in failed_groups:
            rejects.append(Reject(row.line, sibling_reason(importer.group_column, group, failed_groups[group]), row.cells))
        else:
            kept.append(row)
    return kept, rejects


def _batch_write(importer: Importer, rows: list[ParsedRow], *, first_line: int, last_line: int) -> BatchOutcome:
    """Write the valid rows in one transaction; on a database error, reject them all with the error."""
    outcome = BatchOutcome()
    if not rows:
        return outcome
    try:
        with transaction.atomic():
            importer.write(rows, outcome)
    except DatabaseError as exc:
        logger.exception("import %s: batch of lines %d-%d rolled back", importer.kind, first_line, last_line)
        reason = f"database error, batch of lines {first_line}-{last_line} rolled back: {_first_line(exc)}"
        return BatchOutcome(rejects=[Reject(row.line, reason, row.cells) for row in rows])
    return outcome


def _group_of(importer: Importer, record: Record) -> str:
    index = importer.group_index
    return record.cells[index] if index is not None and index < len(record.cells) else ""


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
