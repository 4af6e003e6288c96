"""Streaming CSV downloads for the portal's list pages.

A list page exports the queryset it shows (same filters, same tenancy scope) without loading
it into memory: rows are read in chunks and written out as they are produced.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

# Spreadsheet apps run a cell starting with these as a formula (CSV injection); quote them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


class _Echo:
    """csv.writer needs a file; this one hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column.header for column in columns])
    for row in rows:
        yield writer.writerow([_safe(column.value(row)) for column in columns])


def csv_response(*, filename: str, columns: Sequence[Column], queryset: QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(columns, queryset.iterator(chunk_size=CHUNK_SIZE)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"
