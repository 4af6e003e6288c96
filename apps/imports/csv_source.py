"""Streaming a CSV file as batches of records, with a progress bar on the bytes read.

The file is never held whole in memory: the csv module reads it line by line and records
are handed out in batches. An optional group column keeps consecutive records with the same
value (an order's lines) in one batch, however large the batch becomes.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from tqdm import tqdm


@dataclass(frozen=True)
class Record:
    """One CSV record: the physical line it starts on, its cells (stripped), and why it is unreadable, if it is."""

    line: int
    cells: list[str]
    problem: str = ""


class CsvSource:
    """Iterate over a CSV file's records after reading its header."""

    def __init__(self, path: Path, *, encoding: str = "utf-8-sig", progress: TextIO | None = None):
        self.path = path
        self.encoding = encoding
        self._progress_stream = progress
        self._undecodable_since_last_record = False

    def _decoded_lines(self, handle: BinaryIO, bar: tqdm) -> Iterator[str]:
        """Decode line by line, noting a line that is not valid in the chosen encoding."""
        for raw in handle:
            bar.update(len(raw))
            try:
                yield raw.decode(self.encoding)
            except UnicodeDecodeError:
                self._undecodable_since_last_record = True
                yield raw.decode(self.encoding, errors="replace")

    def open(self) -> Iterator[Record]:
        """Yield the header as the first record (line 1), then every non-blank record."""
        size = self.path.stat().st_size
        with (
            self.path.open("rb") as handle,
            tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                desc=self.path.name,
                file=self._progress_stream,
                disable=self._progress_stream is None,
            ) as bar,
        ):
            reader = csv.reader(self._decoded_lines(handle, bar))
            previous_end = 0
            while True:
                problem = ""
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # e.g. a cell over the csv module's size limit; the reader carries on
                    cells, problem = [], f"is not readable CSV ({exc})"
                start, previous_end = previous_end + 1, reader.line_num
                if self._undecodable_since_last_record:
                    problem = problem or "contains bytes that are not valid text in the file's encoding (see --encoding)"
                    self._undecodable_since_last_record = False
                if problem or (cells and cells != [""]):
                    yield Record(line=start, cells=[cell.strip() for cell in cells], problem=problem)


def batched(
    records: Iterator[Record], *, size: int, group_index: int | None = None
) -> Iterator[list[Record]]:
    """Cut records into batches of `size`, never splitting a run of equal group cells."""
    batch: list[Record] = []
    for record in records:
        if len(batch) >= size and not _same_group(batch[-1], record, group_index):
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def _same_group(last: Record, record: Record, group_index: int | None) -> bool:
    if group_index is None or group_index >= len(last.cells) or group_index >= len(record.cells):
        return False
    return bool(last.cells[group_index]) and last.cells[group_index] == record.cells[group_index]
