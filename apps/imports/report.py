"""What an import did: counts, and every rejected row with its line number and reason.

Rejects can number in the millions, so only the first few are kept in memory for the summary;
all of them stream to the optional rejects CSV, which has the original columns after
`rejected_line` and `rejected_reason` (names no import uses) so a merchant can fix the rows and import that file again.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

SHOWN_REJECTS = 50


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str
    cells: tuple[str, ...] = ()


@dataclass
class ImportReport:
    kind: str
    counted: str = "rows"  # what created/updated/unchanged count: rows, or orders for the orders file
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    first_rejects: list[Reject] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


class RejectSink:
    """Collects rejects into the report and, when asked, into a CSV file."""

    def __init__(self, report: ImportReport, *, header: list[str], path: Path | None):
        self.report = report
        self._handle: TextIO | None = None
        self._writer = None
        if path is not None:
            self._handle = path.open("w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(["rejected_line", "rejected_reason", *header])

    def add(self, reject: Reject) -> None:
        self.report.rejected += 1
        if len(self.report.first_rejects) < SHOWN_REJECTS:
            self.report.first_rejects.append(reject)
        if self._writer is not None:
            self._writer.writerow([reject.line, reject.reason, *reject.cells])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


def summary_lines(report: ImportReport, *, shown: int = SHOWN_REJECTS) -> list[str]:
    """The human summary the command prints: counts first, then the first rejected rows."""
    unit = "" if report.counted == "rows" else f" ({report.counted})"
    lines = [
        f"{report.kind}: {report.rows_read} rows read, {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged{unit}, {report.rejected} rejected."
    ]
    if report.ignored_columns:
        lines.append(f"Ignored unknown column(s): {', '.join(report.ignored_columns)}.")
    if report.rejected:
        listed = report.first_rejects[:shown]
        lines.append(f"Rejected rows (first {len(listed)} of {report.rejected}):")
        lines.extend(f"  line {reject.line}: {reject.reason}" for reject in listed)
    return lines
