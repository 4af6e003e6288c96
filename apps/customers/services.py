"""Writes for customers."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.customers.models import Customer, link_customers

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.merchants.models import Merchant


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


def customer_upsert(*, actor: User, merchant: Merchant, external_id: str, **fields) -> tuple[Customer, bool]:
    """Create a customer of `merchant`, or link an existing one; returns (customer, created).

    A customer is one account across merchants, so an existing external id is linked to this
    merchant and only its blank fields are filled: one merchant must not overwrite another's data.
    """
    with transaction.atomic():
        customer, created = Customer.objects.select_for_update().get_or_create(external_id=external_id)
        before = None if created else snapshot(customer)
        blanks = {name: value for name, value in fields.items() if created or not getattr(customer, name)}
        for name, value in blanks.items():
            setattr(customer, name, value)
        if blanks:
            customer.save()
        link_customers({(merchant.pk, customer.pk)})
        if created or blanks:
            audit_record(
                actor=actor,
                action=AuditLog.Action.CREATE if created else AuditLog.Action.UPDATE,
                instance=customer,
                before=before,
                after=snapshot(customer),
                summary=f"{'Created' if created else 'Completed'} customer {external_id} for {merchant.slug}",
            )
    return customer, created


def customer_update(*, actor: User, customer: Customer, **changes) -> Customer:
    """Apply field changes to a customer the actor can see; audit before and after."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = snapshot(customer)
        for name, value in changes.items():
            setattr(customer, name, value)
        customer.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            instance=customer,
            before=before,
            after=snapshot(customer),
            summary=f"Updated customer {customer.external_id}",
        )
    return customer
