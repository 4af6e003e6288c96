"""A dashboard's data as named tables: what its charts draw, its CSV downloads and its API rows."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[dict] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    """A rate rounded for display and export; None (not 0) when there is no base to divide by."""
    return round(numerator / denominator, digits) if denominator else None


def cells(table: Table) -> list[list]:
    """The rows as lists in column order (what an HTML table template iterates over)."""
    return [[row.get(column) for column in table.columns] for row in table.rows]


def headers(table: Table) -> list[str]:
    return [column.replace("_", " ").capitalize() for column in table.columns]
