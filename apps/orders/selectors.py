"""Reads for orders and payments, always narrowed to the caller's merchants."""
from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from apps.core.api.filters import UTCDateTimeFilter
from apps.core.tenancy import scope_for_user
from apps.orders.models import Order, OrderItem, Payment

if TYPE_CHECKING:
    from apps.accounts.models import User


class OrderFilter(django_filters.FilterSet):
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    customer = django_filters.CharFilter(
        field_name="customer__external_id", max_length=64, help_text="Customer external id."
    )
    placed_from = UTCDateTimeFilter(field_name="placed_at", lookup_expr="gte")
    placed_to = UTCDateTimeFilter(field_name="placed_at", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", max_length=32)

    class Meta:
        model = Order
        fields = ["status", "merchant", "customer", "placed_from", "placed_to", "q"]


class PaymentFilter(django_filters.FilterSet):
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    customer = django_filters.CharFilter(
        field_name="customer__external_id", max_length=64, help_text="Customer external id."
    )
    order = django_filters.CharFilter(field_name="order__number", max_length=32, help_text="Order number.")
    timestamp_from = UTCDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    timestamp_to = UTCDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["merchant", "customer", "order", "timestamp_from", "timestamp_to", "is_fraud", "country"]


def _orders() -> QuerySet[Order]:
    # Items are shown with every order; their product id comes along in the same prefetch.
    items = Prefetch("items", queryset=OrderItem.objects.select_related("product").order_by("pk"))
    return Order.objects.select_related("merchant", "customer").prefetch_related(items)


def _payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("merchant", "customer", "order")


def order_list(*, user: User, filters: dict | None = None) -> QuerySet[Order]:
    orders = scope_for_user(_orders(), user)
    return OrderFilter(filters, queryset=orders).qs if filters else orders


def order_get(*, user: User, number: str) -> Order:
    """One order with its items and payments; another merchant's order is a 404."""
    payments = Prefetch("payments", queryset=_payments().order_by("timestamp"))
    return get_object_or_404(scope_for_user(_orders().prefetch_related(payments), user), number=number)


def payment_list(*, user: User, filters: dict | None = None) -> QuerySet[Payment]:
    payments = scope_for_user(_payments(), user)
    return PaymentFilter(filters, queryset=payments).qs if filters else payments


def payment_get(*, user: User, transaction_id: str) -> Payment:
    return get_object_or_404(scope_for_user(_payments(), user), transaction_id=transaction_id)
