"""Writes for orders and payments: atomic, audited, and idempotent on the merchant's own ids."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Product
from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.customers.models import link_customers
from apps.customers.services import customers_ensure
from apps.orders.models import ALLOWED_TRANSITIONS, Order, OrderItem, OrderStatus, Payment

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.merchants.models import Merchant


@dataclass(frozen=True)
class OrderItemRow:
    product_external_id: str
    quantity: int
    unit_price: Decimal
    title: str = ""
    customisation: dict = field(default_factory=dict)


def _order_snapshot(order: Order) -> dict:
    data = snapshot(order)
    data["items"] = [snapshot(item) for item in order.items.all()]
    return data


def _validate_totals(*, items: list[OrderItemRow], subtotal: Decimal, shipping: Decimal, tax: Decimal, total: Decimal) -> None:
    """The amounts a merchant sends must add up; reports and fraud features trust them."""
    errors = {}
    items_sum = sum((item.unit_price * item.quantity for item in items), Decimal("0"))
    if subtotal != items_sum:
        errors["subtotal"] = f"Subtotal {subtotal} does not equal the sum of the items ({items_sum})."
    if total != subtotal + shipping + tax:
        errors["total"] = f"Total {total} does not equal subtotal + shipping + tax ({subtotal + shipping + tax})."
    if errors:
        raise ValidationError(errors)


def _products_of(*, merchant: Merchant, items: list[OrderItemRow]) -> dict[str, Product]:
    """The merchant's products named by the items; another merchant's product is as unknown as a missing one."""
    wanted = {item.product_external_id for item in items}
    products = {p.external_id: p for p in Product.objects.filter(merchant=merchant, external_id__in=wanted)}
    unknown = [
        f"Item {index}: unknown product {item.product_external_id!r}."
        for index, item in enumerate(items)
        if item.product_external_id not in products
    ]
    if unknown:
        raise ValidationError({"items": unknown})
    return products


def order_create(
    *,
    actor: User,
    merchant: Merchant,
    number: str,
    customer_external_id: str,
    items: list[OrderItemRow],
    subtotal: Decimal,
    total: Decimal,
    shipping: Decimal = Decimal("0"),
    tax: Decimal = Decimal("0"),
    currency: str = "USD",
    placed_at: datetime | None = None,
) -> tuple[Order, bool]:
    """Create an order with its items; returns (order, created).

    Replaying an order number the merchant already has returns that order unchanged, so a
    client may retry after a timeout. A number used by another merchant is a field error.
    """
    existing = Order.objects.filter(number=number).first()
    if existing is not None:
        if existing.merchant_id != merchant.pk:
            raise ValidationError({"number": "This order number is already taken."})
        return existing, False
    _validate_totals(items=items, subtotal=subtotal, shipping=shipping, tax=tax, total=total)
    products = _products_of(merchant=merchant, items=items)
    with transaction.atomic():
        customer_id = customers_ensure(external_ids=[customer_external_id])[customer_external_id]
        order = Order.objects.create(
            merchant=merchant,
            number=number,
            customer_id=customer_id,
            currency=currency,
            subtotal=subtotal,
            shipping=shipping,
            tax=tax,
            total=total,
            placed_at=placed_at or timezone.now(),
        )
        OrderItem.objects.bulk_create(
            [
                OrderItem(
                    order=order,
                    product=products[item.product_external_id],
                    title=item.title or products[item.product_external_id].title,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                    customisation=item.customisation,
                )
                for item in items
            ]
        )
        link_customers({(merchant.pk, customer_id)})
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            instance=order,
            after=_order_snapshot(order),
            summary=f"Created order {number}",
        )
    return order, True


def order_transition(*, actor: User, order: Order, status: str) -> Order:
    """Move an order along ALLOWED_TRANSITIONS; anything else is a field error on `status`.

    The row is locked so two concurrent transitions cannot both start from the same status.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not order.can_transition_to(status):
            allowed = sorted(ALLOWED_TRANSITIONS.get(order.status, frozenset()))
            raise ValidationError(
                {
                    "status": f"An order in status {order.status!r} cannot become {status!r}; "
                    f"allowed: {', '.join(allowed) or 'none (final status)'}."
                }
            )
        before = snapshot(order)
        order.status = OrderStatus(status)
        order.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.ACTION,
            instance=order,
            before=before,
            after=snapshot(order),
            summary=f"Order {order.number}: {before['status']} -> {status}",
        )
    return order


def payment_create(
    *,
    actor: User,
    merchant: Merchant,
    transaction_id: str,
    customer_external_id: str,
    amount: Decimal,
    card_fingerprint: str,
    timestamp: datetime,
    order_number: str = "",
    **details,
) -> tuple[Payment, bool]:
    """Record a gateway payment; returns (payment, created).

    Gateways redeliver: a transaction id the merchant already has returns the stored payment
    and changes nothing. `details` are the optional gateway fields (device, ip, geo, ...).
    """
    existing = Payment.objects.filter(transaction_id=transaction_id).first()
    if existing is not None:
        if existing.merchant_id != merchant.pk:
            raise ValidationError({"transaction_id": "This transaction id is already taken."})
        return existing, False
    order = None
    if order_number:
        order = Order.objects.filter(merchant=merchant, number=order_number).first()
        if order is None:
            raise ValidationError({"order": f"Unknown order {order_number!r}."})
    with transaction.atomic():
        customer_id = customers_ensure(external_ids=[customer_external_id])[customer_external_id]
        payment = Payment.objects.create(
            merchant=merchant,
            transaction_id=transaction_id,
            order=order,
            customer_id=customer_id,
            amount=amount,
            card_fingerprint=card_fingerprint,
            timestamp=timestamp,
            **details,
        )
        link_customers({(merchant.pk, customer_id)})
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            instance=payment,
            after=snapshot(payment),
            summary=f"Recorded payment {transaction_id}",
        )
    return payment, True
