"""Insert-or-update a batch on an external key, counting created / updated / unchanged.

Rows are counted as if applied one after the other (a key seen twice in a file is created
then updated), but the database sees one bulk insert and one bulk update per batch. A row
whose values already match is left untouched, so importing the same file twice writes
nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.utils import timezone

from apps.imports.importers.base import BatchOutcome, ParsedRow

WRITE_CHUNK = 1000


@dataclass
class UpsertRow:
    key: tuple
    fields: dict[str, Any]  # model attributes (not the key), plus any extras' names
    sources: list[ParsedRow]  # the file rows it came from (an order has one per line)


class Extras(Protocol):
    """State kept outside the model's own columns (a product's tags, an order's lines)."""

    names: tuple[str, ...]

    def load(self, pks: list[int]) -> dict[int, dict[str, Any]]:
        """Current values of the extras for existing rows, keyed by primary key."""

    def save(self, values_by_pk: dict[int, dict[str, Any]]) -> None:
        """Replace the extras of the given rows."""


def rows_upsert(
    *,
    model: type[models.Model],
    key_fields: tuple[str, ...],
    key_column: str,
    rows: list[UpsertRow],
    outcome: BatchOutcome,
    owner_field: str | None = None,
    extras: Extras | None = None,
) -> list[UpsertRow]:
    """Upsert `rows`; returns the rows accepted. A key owned by another merchant is rejected."""
    if not rows:
        return []
    given_names = {name for row in rows for name in row.fields}
    extra_names = given_names & set(extras.names) if extras else set()
    names = sorted(given_names - extra_names)
    state, pks = _current_state(model, key_fields, names, rows)
    if extras and extra_names and pks:
        loaded = extras.load(list(pks.values()))
        for key, pk in pks.items():
            state[key].update(loaded.get(pk, {}))

    accepted: list[UpsertRow] = []
    created: dict[tuple, None] = {}  # dicts as ordered sets: writes follow file order
    changed: dict[tuple, None] = {}
    for row in rows:
        current = state.get(row.key)
        if owner_field and current is not None and current[owner_field] != row.fields[owner_field]:
            for source in row.sources:
                outcome.reject(source, f"{key_column}: {row.key[-1]!r} already belongs to another merchant")
            continue
        accepted.append(row)
        if current is None:
            state[row.key] = dict(row.fields)
            created[row.key] = None
            outcome.created += 1
        elif all(current.get(name) == value for name, value in row.fields.items()):
            outcome.unchanged += 1
        else:
            current.update(row.fields)
            if row.key not in created:
                changed[row.key] = None
            outcome.updated += 1

    pks |= _insert(model, key_fields, [(key, state[key]) for key in created])
    _update(model, names, [(pks[key], state[key]) for key in changed])
    if extras and extra_names:
        extras.save({pks[key]: {n: state[key][n] for n in extra_names} for key in [*created, *changed]})
    return accepted


def _current_state(
    model: type[models.Model], key_fields: tuple[str, ...], names: list[str], rows: list[UpsertRow]
) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, int]]:
    """The stored values of `names` for the rows' keys, and their primary keys."""
    state: dict[tuple, dict[str, Any]] = {}
    pks: dict[tuple, int] = {}
    lookup = {f"{key_fields[-1]}__in": {row.key[-1] for row in rows}}
    for record in model.objects.filter(**lookup).values("pk", *key_fields, *names):
        key = tuple(record.pop(name) for name in key_fields)
        pks[key] = record.pop("pk")
        state[key] = record
    return state, pks


def _insert(
    model: type[models.Model], key_fields: tuple[str, ...], items: list[tuple[tuple, dict[str, Any]]]
) -> dict[tuple, int]:
    columns = _column_names(model)
    objects = [model(**dict(zip(key_fields, key, strict=True)), **_columns_of(values, columns)) for key, values in items]
    model.objects.bulk_create(objects, batch_size=WRITE_CHUNK)
    return {key: obj.pk for (key, _), obj in zip(items, objects, strict=True)}


def _update(model: type[models.Model], names: list[str], items: list[tuple[int, dict[str, Any]]]) -> None:
    """Write the given columns back, stamping updated_at (bulk_update skips auto_now)."""
    columns = _column_names(model)
    touch = "updated_at" in columns
    update_names = names + (["updated_at"] if touch else [])
    if not items or not update_names:
        return
    now = timezone.now()
    objects = []
    for pk, values in items:
        obj = model(pk=pk, **_columns_of(values, columns))
        if touch:
            obj.updated_at = now
        objects.append(obj)
    model.objects.bulk_update(objects, update_names, batch_size=WRITE_CHUNK)


def _column_names(model: type[models.Model]) -> set[str]:
    return {field.attname for field in model._meta.concrete_fields}


def _columns_of(values: dict[str, Any], columns: set[str]) -> dict[str, Any]:
    """Drop the extras (tags, lines) from a state dict, keeping what the model stores."""
    return {name: value for name, value in values.items() if name in columns}
