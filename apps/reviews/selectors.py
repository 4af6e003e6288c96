"""Reads for product reviews, scoped by the review's (denormalised) merchant."""
from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.core.tenancy import scope_for_user
from apps.reviews.models import Review

if TYPE_CHECKING:
    from apps.accounts.models import User


class ReviewFilter(django_filters.FilterSet):
    product = django_filters.CharFilter(field_name="product__external_id", max_length=64, help_text="Product external id.")
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    rating_min = django_filters.NumberFilter(field_name="rating", lookup_expr="gte", min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["rating", "rating_min", "product", "merchant"]


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related("merchant", "product", "customer")


def review_list(*, user: User, filters: dict | None = None) -> QuerySet[Review]:
    reviews = scope_for_user(_reviews(), user)
    return ReviewFilter(filters, queryset=reviews).qs if filters else reviews


def review_get(*, user: User, pk: int) -> Review:
    return get_object_or_404(scope_for_user(_reviews(), user), pk=pk)
