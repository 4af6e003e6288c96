"""A few rows inserted or one row updated by hand-written SQL, for hot paths where the ORM's per-call work
costs more than the statement.

A scored payment and a chat turn each write one to three rows per request. Through the ORM,
building and compiling the query (and, for `bulk_create` on PostgreSQL, dumping every column as an
array for its UNNEST form) took ~1.4 ms of CPU per chat turn; the same statements through a cursor
~0.3 ms. Columns and values still come from the models' fields (`pre_save`, `get_db_prep_save`,
as the ORM's compilers use them), so a field added to a model is written the way the ORM would
write it, and the statement text is the same on every call (psycopg prepares it server-side after
a few executions). Both run on the default database inside the caller's transaction; database
errors arrive as Django's (IntegrityError...).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@cache
def _insert_sql(model: type[Model], rows: int, alias: str) -> tuple[str, tuple[Field, ...]]:
    """The multi-row INSERT ... RETURNING pk for `rows` new rows, and the fields its placeholders take."""
    opts, quote = model._meta, connections[alias].ops.quote_name
    fields = tuple(field for field in opts.concrete_fields if field is not opts.pk)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES {', '.join([placeholders] * rows)} RETURNING {quote(opts.pk.column)}")
    return sql, fields


def values_insert(objs: Sequence[M]) -> list[M]:
    """`bulk_create(objs)` for a few new rows of one model whose database sets the primary key: one
    INSERT ... RETURNING, each object then holding its id (rows come back in the order given)."""
    objs = list(objs)
    connection = connections[DEFAULT_DB_ALIAS]
    sql, fields = _insert_sql(type(objs[0]), len(objs), connection.alias)
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def row_update(model: type[Model], pk: int, changes: dict, **equal) -> int:
    """`model.objects.filter(pk=pk, **equal).update(**changes)` for plain fields and non-null values
    compared for equality: the number of rows it matched."""
    connection = connections[DEFAULT_DB_ALIAS]
    opts, quote = model._meta, connection.ops.quote_name
    setting = [opts.get_field(name) for name in changes]
    matching = [opts.pk, *(opts.get_field(name) for name in equal)]
    sql = (f"UPDATE {quote(opts.db_table)} SET {', '.join(f'{quote(field.column)} = %s' for field in setting)} "
           f"WHERE {' AND '.join(f'{quote(field.column)} = %s' for field in matching)}")
    params = [field.get_db_prep_save(value, connection) for field, value in zip(setting, changes.values(), strict=True)]
    params += [
        field.get_db_prep_value(value, connection)
        for field, value in zip(matching, [pk, *equal.values()], strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
