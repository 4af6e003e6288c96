"""Writes for merchants."""
from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from apps.merchants.models import Merchant


def merchants_ensure(*, external_ids: Iterable[str]) -> dict[str, int]:
    """Map external ids to merchant ids, creating a minimal merchant for each unknown id.

    Imports name merchants only by id; the record is filled in later by an admin.
    """
    wanted = {e for e in external_ids if e}
    found = dict(Merchant.objects.filter(external_id__in=wanted).values_list("external_id", "id"))
    missing = wanted - found.keys()
    if missing:
        Merchant.objects.bulk_create(
            [Merchant(external_id=e, name=f"Merchant {e}", slug=slugify(f"m-{e}")[:50]) for e in sorted(missing)],
            ignore_conflicts=True,
        )
        found.update(Merchant.objects.filter(external_id__in=missing).values_list("external_id", "id"))
    return found
