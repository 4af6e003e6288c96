"""Reads for customers: a merchant sees the customers linked to it through MerchantCustomer."""
from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.core.tenancy import scope_for_user
from apps.customers.models import Customer

if TYPE_CHECKING:
    from apps.accounts.models import User


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", max_length=200, help_text="Part of the email or external id.")

    class Meta:
        model = Customer
        fields = ["q", "country", "marketing_opt_in"]

    def search(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        return queryset.filter(Q(email__icontains=value) | Q(external_id__icontains=value))


def customer_list(*, user: User, filters: dict | None = None) -> QuerySet[Customer]:
    customers = scope_for_user(Customer.objects.all(), user)
    return CustomerFilter(filters, queryset=customers).qs if filters else customers


def customer_get(*, user: User, external_id: str) -> Customer:
    """A customer no merchant of the user's has dealt with is a 404, like a missing one."""
    return get_object_or_404(scope_for_user(Customer.objects.all(), user), external_id=external_id)
