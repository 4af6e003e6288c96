"""Insert many new rows with PostgreSQL's COPY instead of `bulk_create`'s INSERT.

A batch of 1,000 scored payments spent about a third of its time in `bulk_create`: Django 5.2
builds one INSERT ... SELECT FROM UNNEST(arrays) per table, and psycopg escapes every string and
JSON document of those arrays in Python. COPY streams the rows in PostgreSQL's text format,
escaped by psycopg's C code, and needs no SQL compilation per row.

A handful of rows (a single payment) go in as one INSERT ... RETURNING instead (one round trip,
`apps.core.sql_rows.values_insert`).

COPY returns no ids, so the primary keys are taken from the table's sequence first (one
``nextval`` query for the whole batch), in ascending order, and set on the objects before the
copy: rows inserted in a given order get increasing pks, as `bulk_create` gives them. A unique
violation (a transaction id stored meanwhile by a concurrent call) aborts the COPY and raises
Django's IntegrityError, as `bulk_create` does, so callers keep their retry-as-replay logic.
Other databases (SQLite on a laptop) use `bulk_create`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from apps.core.sql_rows import values_insert

M = TypeVar("M", bound=Model)

VALUES_MAX_ROWS = 10
"""Up to this many rows (a single scored payment), one INSERT ... RETURNING is one round trip where
the sequence read plus COPY are two."""


def rows_insert(model: type[M], objs: Sequence[M]) -> list[M]:
    """Insert unsaved ``objs`` (in this order) and return them with their pks set."""
    objs = list(objs)
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the `connection` proxy costs a lookup per use
    if not objs or connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    if len(objs) <= VALUES_MAX_ROWS:
        return values_insert(objs)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, pk in zip(objs, sorted(row[0] for row in cursor.fetchall()), strict=True):
            setattr(obj, meta.pk.attname, pk)
        statement = f"COPY {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for obj in objs:
                copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
