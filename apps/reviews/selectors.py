"""Reads for product reviews, scoped by the review's (denormalised) merchant."""
from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from apps.core.tenancy import scope_for_user
from apps.reviews.models import Review

if TYPE_CHECKING:
    from apps.accounts.models import User

NO_TOPIC = "none"


class ReviewFilter(django_filters.FilterSet):
    product = django_filters.CharFilter(field_name="product__external_id", max_length=64, help_text="Product external id.")
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    rating_min = django_filters.NumberFilter(field_name="rating", lookup_expr="gte", min_value=1, max_value=5)
    topic = django_filters.CharFilter(
        method="filter_topic",
        max_length=200,
        help_text=f"Label of the merchant topic the review fits (as in its analysis); '{NO_TOPIC}': reviews that fit none.",
    )

    class Meta:
        model = Review
        fields = ["rating", "rating_min", "product", "merchant", "topic"]

    def filter_topic(self, queryset: QuerySet[Review], name: str, value: str) -> QuerySet[Review]:
        if value == NO_TOPIC:  # assigned, and fitting none: not the reviews still waiting for a fit
            return queryset.filter(analysis__topics_at__isnull=False, analysis__topic="")
        return queryset.filter(analysis__topic=value)


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related("merchant", "product", "customer", "analysis")


def review_topic_labels(*, user: User) -> list[str]:
    """The topics the user's reviews currently fit, most reviews first (the review list's topic filter)."""
    rows = (
        scope_for_user(Review.objects.all(), user)
        .exclude(analysis__topic="")
        .filter(analysis__isnull=False)
        .values("analysis__topic")
        .annotate(reviews=Count("pk"))
        .order_by("-reviews", "analysis__topic")
    )
    return [row["analysis__topic"] for row in rows[:50]]


def review_list(*, user: User, filters: dict | None = None) -> QuerySet[Review]:
    reviews = scope_for_user(_reviews(), user)
    return ReviewFilter(filters, queryset=reviews).qs if filters else reviews


def review_get(*, user: User, pk: int) -> Review:
    return get_object_or_404(scope_for_user(_reviews(), user), pk=pk)
