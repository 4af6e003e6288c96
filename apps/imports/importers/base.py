"""What every importer shares: a column table, row parsing, and the per-batch outcome.

An importer declares its columns once; the same table validates the header, parses each
row into typed values and maps them onto model fields. Columns absent from the file leave
existing rows alone, so a merchant can send just `customer_id,email` to fix emails.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apps.imports.csv_source import Record
from apps.imports.errors import ImportRefused
from apps.imports.parsing import Parser
from apps.imports.report import Reject


class RowRejected(Exception):
    """A row-level validation failure; the message starts with the column at fault."""

    def __init__(self, column: str, message: str):
        super().__init__(f"{column}: {message}")


def sibling_reason(column: str, value: str, line: int) -> str:
    """Why a row is refused because another row of its group (its order) was."""
    return f"{column}: {value} not imported because its line {line} was rejected"


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parser
    required: bool = False
    field: str | None = None  # the model attribute it fills; None when the importer maps it itself
    default: Any = None  # what a blank optional cell stands for (a callable is called)
    keep_when_blank: bool = False  # blank leaves an existing row's value as it is


@dataclass
class ParsedRow:
    line: int
    cells: tuple[str, ...]
    values: dict[str, Any]  # column -> typed value; a blank cell is None, an absent column is missing


@dataclass
class BatchOutcome:
    """Counts and database-dependent rejects of one batch, applied only if its transaction commits."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def reject(self, row: ParsedRow, reason: str) -> None:
        self.rejects.append(Reject(row.line, reason, row.cells))


class Importer(ABC):
    """One kind of file. `fast_path` lets a kind use a database-specific bulk writer (events on PostgreSQL)."""

    kind: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    counted: ClassVar[str] = "rows"
    # Rows sharing this column's value form one unit (an order): kept in one batch, rejected together.
    group_column: ClassVar[str | None] = None
    # Rules across the columns of one parsed row; each raises RowRejected.
    row_checks: ClassVar[tuple[Callable[[dict[str, Any]], None], ...]] = ()

    def __init__(self, *, header: list[str], fast_path: bool = True):
        names = [name.strip().lower() for name in header]
        duplicates = sorted({name for name in names if name and names.count(name) > 1})
        if duplicates:
            raise ImportRefused(f"Bad header: column(s) appear twice: {', '.join(duplicates)}.")
        known = {column.name for column in self.columns}
        missing = [column.name for column in self.columns if column.required and column.name not in names]
        if missing:
            raise ImportRefused(f"Bad header for {self.kind}: missing required column(s): {', '.join(missing)}.")
        self.header = names
        self.ignored_columns = [name for name in names if name and name not in known]
        self._indexed = [(names.index(c.name), c) for c in self.columns if c.name in names]
        self.present = {column.name for _, column in self._indexed}
        self.group_index = names.index(self.group_column) if self.group_column else None
        self.fast_path = fast_path

    def parse(self, record: Record) -> ParsedRow:
        if record.problem:
            raise RowRejected("row", record.problem)
        if len(record.cells) != len(self.header):
            raise RowRejected("row", f"has {len(record.cells)} fields but the header has {len(self.header)}")
        values: dict[str, Any] = {}
        for index, column in self._indexed:
            cell = record.cells[index]
            if not cell:
                if column.required:
                    raise RowRejected(column.name, "required")
                values[column.name] = None
                continue
            try:
                values[column.name] = column.parse(cell)
            except ValueError as exc:
                raise RowRejected(column.name, str(exc)) from None
        for check in self.row_checks:
            check(values)
        return ParsedRow(line=record.line, cells=tuple(record.cells), values=values)

    def model_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The model attributes a parsed row sets, from the columns that declare a field."""
        fields: dict[str, Any] = {}
        for _, column in self._indexed:
            if column.field is None:
                continue
            value = values[column.name]
            if value is None:
                if column.keep_when_blank:
                    continue
                value = column.default() if callable(column.default) else column.default
            fields[column.field] = value
        return fields

    @abstractmethod
    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        """Write a batch of valid rows (inside the batch's transaction), counting into `outcome`."""
