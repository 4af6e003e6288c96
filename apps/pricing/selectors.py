"""Reads for fair prices: the product frame the model learns from, category quartiles, outliers."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import django_filters
import pandas as pd
from django.core.cache import cache
from django.db.models import Case, Count, F, FloatField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast

from apps.catalog.models import Product
from apps.core.tenancy import scope_for_user
from apps.events.models import Event, EventType
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_list
from apps.orders.models import OrderItem, OrderStatus
from apps.pricing.models import PriceSuggestion
from ml.risk.fair_price import ABOVE, BELOW, WITHIN, CategoryPrices

if TYPE_CHECKING:
    from apps.accounts.models import User

DEMAND_WINDOW_DAYS = 90
"""Views, carts and units sold are counted over the last 90 days: a season, and long enough that a
new listing's zero is rare in the demo."""
NOT_SOLD = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
CATEGORY_CACHE_SECONDS = 600


def priced_products() -> QuerySet[Product]:
    """Active listings with a price: what the model learns from and suggests for."""
    return Product.objects.filter(active=True, price__gt=0)


def product_frame(products: QuerySet[Product], *, now: datetime, window_days: int = DEMAND_WINDOW_DAYS) -> pd.DataFrame:
    """One row per product in `ml.risk.fair_price.PRODUCT_COLUMNS`, indexed by Product.pk."""
    rows = list(
        products.select_related("category")
        .prefetch_related("tags")
        .only("pk", "external_id", "title", "price", "attributes", "customisable", "category__path")
    )
    ids = [product.pk for product in rows]
    since = now - timedelta(days=window_days)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for chunk in _chunks(ids):
        events = (
            Event.objects.filter(
                product_id__in=chunk, timestamp__gte=since, timestamp__lt=now, type__in=[EventType.VIEW, EventType.ADD_TO_CART]
            )
            .values("product_id", "type")
            .annotate(n=Count("id"))
        )
        for row in events:
            counts[row["product_id"]][row["type"]] = row["n"]
        sold = (
            OrderItem.objects.filter(product_id__in=chunk, order__placed_at__gte=since, order__placed_at__lt=now)
            .exclude(order__status__in=NOT_SOLD)
            .values("product_id")
            .annotate(n=Sum("quantity"))
        )
        for row in sold:
            counts[row["product_id"]]["units"] = row["n"] or 0
    return pd.DataFrame(
        [
            {
                "product_id": product.external_id,
                "title": product.title,
                "category": product.category.path if product.category else "",
                "tags": [tag.name for tag in product.tags.all()],
                "attributes": product.attributes if isinstance(product.attributes, dict) else {},
                "customisable": product.customisable,
                "price": float(product.price),
                "views": counts[product.pk].get(EventType.VIEW, 0),
                "carts": counts[product.pk].get(EventType.ADD_TO_CART, 0),
                "units": counts[product.pk].get("units", 0),
            }
            for product in rows
        ],
        index=pd.Index(ids, name="pk"),
        columns=["product_id", "title", "category", "tags", "attributes", "customisable", "price", "views", "carts", "units"],
    )


def _chunks(ids: list[int], size: int = 2000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def category_prices() -> CategoryPrices:
    """Price quartiles of every category level over all merchants' active listings.

    Marketplace-wide on purpose: a merchant compares with the market, and quartiles show no one's
    listing. Cached under a key that changes with the catalog (count and last update), so a
    re-priced listing is taken into account on the next read.
    """
    stamp = priced_products().aggregate(n=Count("id"), changed=Max("updated_at"))
    key = f"pricing:category-prices:{stamp['n']}:{stamp['changed'].timestamp() if stamp['changed'] else 0}"
    found = cache.get(key)
    if found is None:
        pairs = list(priced_products().values_list("category__path", "price"))
        found = CategoryPrices().fit([path or "" for path, _ in pairs], [float(price) for _, price in pairs])
        cache.set(key, found, CATEGORY_CACHE_SECONDS)
    return found


class OutlierFilter(django_filters.FilterSet):
    """Shared by the API (query string) and the portal page."""

    merchant = django_filters.CharFilter(field_name="product__merchant__slug", max_length=50, help_text="Merchant slug.")
    position = django_filters.ChoiceFilter(
        choices=[(ABOVE, "above the range"), (BELOW, "below the range")], help_text="Priced above or below the range."
    )
    category = django_filters.CharFilter(
        field_name="product__category__path", lookup_expr="startswith", max_length=400, help_text="Category path prefix."
    )
    source = django_filters.ChoiceFilter(choices=PriceSuggestion.Source.choices)

    class Meta:
        model = PriceSuggestion
        fields = ["merchant", "position", "category", "source"]


def _with_position(suggestions: QuerySet[PriceSuggestion]) -> QuerySet[PriceSuggestion]:
    price, low, high = (Cast(name, FloatField()) for name in ("product__price", "low", "high"))
    return suggestions.annotate(
        position=Case(
            When(product__price__gt=F("high"), then=Value(ABOVE)),
            When(product__price__lt=F("low"), then=Value(BELOW)),
            default=Value(WITHIN),
        ),
        # How far outside, relative to the nearer end: 0.5 = 50% above the top of the range.
        gap=Case(
            When(product__price__gt=F("high"), then=(price - high) / high),
            When(product__price__lt=F("low"), then=(low - price) / low),
            default=Value(0.0),
            output_field=FloatField(),
        ),
    )


def outlier_list(*, user: User, filters: dict | None = None) -> QuerySet[PriceSuggestion]:
    """Active listings of the user's merchants priced outside their suggested range, furthest out first."""
    suggestions = scope_for_user(PriceSuggestion.objects.all(), user).filter(product__active=True)
    outside = _with_position(suggestions).filter(Q(product__price__gt=F("high")) | Q(product__price__lt=F("low")))
    rows = outside.select_related("product", "product__merchant", "product__category", "model_version").order_by("-gap", "id")
    return OutlierFilter(filters, queryset=rows).qs if filters else rows


def outlier_summary(*, user: User) -> QuerySet[Merchant]:
    """Each merchant in the user's scope with how many active listings have a suggestion and how many
    are priced above or below it."""
    active = Q(products__active=True, products__price_suggestion__isnull=False)
    suggestion = "products__price_suggestion__"
    return (
        merchant_list(user=user)
        .annotate(
            suggested=Count("products", filter=active),
            above=Count("products", filter=active & Q(products__price__gt=F(f"{suggestion}high"))),
            below=Count("products", filter=active & Q(products__price__lt=F(f"{suggestion}low"))),
        )
        .order_by("name")
    )
