"""Reads for the catalog: products scoped to the caller's merchants, and the shared category tree."""
from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.catalog.models import Category, Product
from apps.core.tenancy import scope_for_user

if TYPE_CHECKING:
    from apps.accounts.models import User


class ProductFilter(django_filters.FilterSet):
    """Shared by the API (query string) and the portal (the `filters` dict of `product_list`)."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)
    category = django_filters.CharFilter(
        field_name="category__path", lookup_expr="startswith", max_length=400, help_text="Category path prefix."
    )
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")

    class Meta:
        model = Product
        fields = ["q", "category", "active", "customisable", "merchant"]


class CategoryFilter(django_filters.FilterSet):
    path = django_filters.CharFilter(field_name="path", lookup_expr="startswith", max_length=400)

    class Meta:
        model = Category
        fields = ["path", "depth"]


def _products() -> QuerySet[Product]:
    # merchant/category are shown on every row and tags are a list: fixed query count per page.
    return Product.objects.select_related("merchant", "category").prefetch_related("tags")


def product_list(*, user: User, filters: dict | None = None) -> QuerySet[Product]:
    """Products of the user's merchants, newest first, narrowed by `ProductFilter` fields."""
    products = scope_for_user(_products(), user)
    return ProductFilter(filters, queryset=products).qs if filters else products


def product_get(*, user: User, external_id: str) -> Product:
    """One product by its marketplace-wide id; another merchant's product is a 404, like a missing one."""
    return get_object_or_404(scope_for_user(_products(), user), external_id=external_id)


def category_list(*, filters: dict | None = None) -> QuerySet[Category]:
    """The marketplace-wide taxonomy: not merchant-owned, so readable by every staff role."""
    categories = Category.objects.select_related("parent")
    return CategoryFilter(filters, queryset=categories).qs if filters else categories


def category_get(*, slug: str) -> Category:
    return get_object_or_404(Category.objects.select_related("parent"), slug=slug)
