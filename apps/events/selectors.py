"""Reads for behavioural events, scoped by the storefront (merchant) they happened on."""
from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import QuerySet

from apps.core.api.filters import UTCDateTimeFilter
from apps.core.tenancy import scope_for_user
from apps.events.models import Event

if TYPE_CHECKING:
    from apps.accounts.models import User


class EventFilter(django_filters.FilterSet):
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    customer = django_filters.CharFilter(
        field_name="customer__external_id", max_length=64, help_text="Customer external id."
    )
    product = django_filters.CharFilter(field_name="product__external_id", max_length=64, help_text="Product external id.")
    timestamp_from = UTCDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    timestamp_to = UTCDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = Event
        fields = ["type", "merchant", "customer", "product", "session_id", "timestamp_from", "timestamp_to"]


def event_list(*, user: User, filters: dict | None = None) -> QuerySet[Event]:
    events = scope_for_user(Event.objects.select_related("merchant", "customer", "product"), user)
    return EventFilter(filters, queryset=events).qs if filters else events
