"""Allow and block lists: writes by analysts and admins, and the index scoring looks values up in.

Scoring keeps a `ListIndex` of the unexpired entries per process (in `apps.fraud.scoring_config`),
reloaded when any entry changes: a lookup is then a dict probe instead of a query per payment.
Expiry is checked at lookup time, so an entry stops matching the moment it expires.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.fraud.models import ListEntry

if TYPE_CHECKING:
    from apps.accounts.models import User

Kind = ListEntry.Kind
ListType = ListEntry.ListType


def list_value_normalise(*, kind: str, value: str) -> str:
    """The form values are stored and matched in: emails lower-cased, IPs canonical, others trimmed."""
    value = value.strip()
    if kind == Kind.EMAIL:
        return value.lower()
    if kind == Kind.IP:
        return str(ipaddress.ip_address(value))
    return value


def list_entry_create(
    *,
    actor: User | None,
    list_type: str,
    kind: str,
    value: str,
    reason: str = "",
    expires_at: datetime | None = None,
    source: str = "api",
) -> tuple[ListEntry, bool]:
    """Add a value to a list; adding it again updates reason and expiry (returns (entry, created))."""
    value = list_value_normalise(kind=kind, value=value)
    with transaction.atomic():
        entry, created = ListEntry.objects.select_for_update().get_or_create(
            list_type=list_type,
            kind=kind,
            value=value,
            defaults={"reason": reason, "expires_at": expires_at, "created_by": actor},
        )
        before = None if created else snapshot(entry)
        if not created and (entry.reason, entry.expires_at) != (reason, expires_at):
            entry.reason, entry.expires_at = reason, expires_at
            entry.save(update_fields=["reason", "expires_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE if created else AuditLog.Action.UPDATE,
            instance=entry,
            before=before,
            after=snapshot(entry),
            summary=f"{'Added' if created else 'Updated'} {entry}",
            source=source,
        )
    return entry, created


def list_entry_delete(*, actor: User | None, entry: ListEntry, source: str = "api") -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditLog.Action.DELETE,
            instance=entry,
            before=snapshot(entry),
            summary=f"Removed {entry}",
            source=source,
        )
        entry.delete()


@dataclass(frozen=True)
class ListHit:
    list_type: str
    kind: str
    value: str
    reason: str

    @property
    def flag(self) -> str:
        return f"{'BLOCKLIST' if self.list_type == ListType.BLOCK else 'ALLOWLIST'}_{self.kind.upper()}"


class ListIndex:
    """Unexpired entries by (kind, value), each with its expiry."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str, datetime | None]]) -> None:
        self._entries: dict[tuple[str, str], list[tuple[ListHit, datetime | None]]] = {}
        for list_type, kind, value, reason, expires_at in rows:
            self._entries.setdefault((kind, value), []).append((ListHit(list_type, kind, value, reason), expires_at))

    def hits(self, *, values: Iterable[tuple[str, str]], now: datetime) -> dict[tuple[str, str], list[ListHit]]:
        """Entries still active at `now` for (kind, value) pairs, by pair."""
        found: dict[tuple[str, str], list[ListHit]] = {}
        for pair in values:
            active = [hit for hit, expires_at in self._entries.get(pair, ()) if expires_at is None or expires_at > now]
            if active:
                found[pair] = active
        return found


def list_index() -> ListIndex:
    """Every entry not yet expired, in one query (entries expiring later are filtered at lookup)."""
    active = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    return ListIndex(ListEntry.objects.filter(active).values_list("list_type", "kind", "value", "reason", "expires_at"))
