"""Writing a DataFrame into a model's table as fast as the database allows.

PostgreSQL gets COPY ... FROM STDIN through psycopg 3 (hundreds of thousands of rows a second);
SQLite gets bulk_create in large batches. Frames are named by field attname (`merchant_id`),
JSON columns hold JSON text, missing values are NaN/NA. Callers may pass explicit ids; they
then call `sequences_reset` so later inserts continue after them.
"""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pandas as pd
from django.core.management.color import no_style
from django.db import connection, models
from tqdm import tqdm

CHUNK_ROWS = 100_000
SQLITE_BATCH = 5_000


def _copy_chunk(model: type[models.Model], frame: pd.DataFrame) -> None:
    quote = connection.ops.quote_name
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = ", ".join(quote(fields[name]) for name in frame.columns)
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="\\N")
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def _python_values(model: type[models.Model], frame: pd.DataFrame) -> pd.DataFrame:
    """Column values bulk_create accepts: None for missing, Decimal money, dicts for JSON, datetimes."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    converted = {}
    for name in frame.columns:
        field, column = fields[name], frame[name]
        missing = column.isna().to_numpy()
        if isinstance(field, models.JSONField):
            values = [None if gone else json.loads(v) for v, gone in zip(column, missing, strict=True)]
        elif isinstance(field, models.DecimalField):
            values = [None if gone else Decimal(f"{v:.{field.decimal_places}f}") for v, gone in zip(column, missing, strict=True)]
        elif isinstance(field, models.DateTimeField):
            values = [None if gone else v.to_pydatetime() for v, gone in zip(column, missing, strict=True)]
        else:
            values = [None if gone else v for v, gone in zip(column.astype(object), missing, strict=True)]
        converted[name] = values
    return pd.DataFrame(converted, dtype=object)


def _create_chunk(model: type[models.Model], frame: pd.DataFrame) -> None:
    rows = _python_values(model, frame)
    names = list(rows.columns)
    model.objects.bulk_create(
        [model(**dict(zip(names, values, strict=True))) for values in rows.itertuples(index=False, name=None)],
        batch_size=SQLITE_BATCH,
    )


def bulk_insert(model: type[models.Model], frame: pd.DataFrame, *, label: str, progress: bool | None = None) -> int:
    """Insert every row of `frame`; returns the row count. `progress=None` shows a bar only on a terminal."""
    write = _copy_chunk if connection.vendor == "postgresql" else _create_chunk
    with tqdm(total=len(frame), desc=label, unit="rows", disable=None if progress is None else not progress) as bar:
        for start in range(0, len(frame), CHUNK_ROWS):
            chunk = frame.iloc[start : start + CHUNK_ROWS]
            write(model, chunk)
            bar.update(len(chunk))
    return len(frame)


def next_id(model: type[models.Model]) -> int:
    """The first id free after every existing row (explicit ids let child rows reference parents without a read-back)."""
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def sequences_reset(model_list: list[type[models.Model]]) -> None:
    """Move PostgreSQL id sequences past explicitly inserted ids (SQLite tracks this itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
