"""Writes for customers."""
from __future__ import annotations

from collections.abc import Iterable

from apps.customers.models import Customer


def customers_ensure(*, external_ids: Iterable[str], batch_size: int = 2000) -> dict[str, int]:
    """Map external ids to customer ids, creating a minimal customer for each unknown id.

    Payments and events often arrive before the customer file; the stub is completed by a
    later customers import (which upserts on the same external id).
    """
    wanted = {e for e in external_ids if e}
    found: dict[str, int] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), batch_size):
        chunk = ordered[start : start + batch_size]
        found.update(Customer.objects.filter(external_id__in=chunk).values_list("external_id", "id"))
    missing = wanted - found.keys()
    if missing:
        Customer.objects.bulk_create(
            [Customer(external_id=e) for e in sorted(missing)], ignore_conflicts=True, batch_size=batch_size
        )
        ordered_missing = sorted(missing)
        for start in range(0, len(ordered_missing), batch_size):
            chunk = ordered_missing[start : start + batch_size]
            found.update(Customer.objects.filter(external_id__in=chunk).values_list("external_id", "id"))
    return found
