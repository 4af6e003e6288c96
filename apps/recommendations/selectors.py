"""Reads for recommendations: training frames, a shopper's recent history, products' live state, charts' versions."""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
from django.db.models import QuerySet

from apps.bots.selectors import exclude_bot_sessions
from apps.catalog.models import Product
from apps.customers.models import Customer
from apps.events.models import Event
from apps.mlops.models import ModelVersion
from apps.recommendations.conf import setting
from ml.recs.interactions import EVENT_WEIGHTS

MODEL_NAME = "recommendations"
POSITIVE_TYPES = tuple(EVENT_WEIGHTS)


def interactions_frame(
    *, since: datetime | None = None, until: datetime | None = None, merchant_ids: list[int] | None = None
) -> pd.DataFrame:
    """Every positive event of a known shopper on a product: customer, product, type, timestamp (UTC)."""
    events = exclude_bot_sessions(Event.objects.filter(type__in=POSITIVE_TYPES, customer__isnull=False, product__isnull=False))
    if since:
        events = events.filter(timestamp__gte=since)
    if until:
        events = events.filter(timestamp__lt=until)
    if merchant_ids is not None:
        events = events.filter(merchant_id__in=merchant_ids)
    rows = events.order_by().values_list("customer_id", "product_id", "type", "timestamp")
    frame = pd.DataFrame.from_records(
        list(rows.iterator(chunk_size=20_000)), columns=["customer", "product", "type", "timestamp"]
    )
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def _attribute_text(attributes) -> str:
    """The values of a product's attributes as words ("ceramic white birthday …")."""
    if isinstance(attributes, str):
        try:
            attributes = json.loads(attributes)
        except ValueError:
            return attributes
    if not isinstance(attributes, dict):
        return ""
    words = []
    for value in attributes.values():
        words.extend(str(v) for v in value) if isinstance(value, list) else words.append(str(value))
    return " ".join(words)


def products_frame(*, merchant_ids: list[int] | None = None) -> pd.DataFrame:
    """Every product with the text the content source reads: product, external_id, title, description,
    category (path), tags, attributes, merchant, available (active and in stock)."""
    products = Product.objects.all() if merchant_ids is None else Product.objects.filter(merchant_id__in=merchant_ids)
    rows = products.order_by().values_list(
        "id", "external_id", "title", "description", "category__path", "attributes", "merchant_id", "active", "stock"
    )
    frame = pd.DataFrame.from_records(
        list(rows),
        columns=["product", "external_id", "title", "description", "category", "attributes", "merchant", "active", "stock"],
    )
    frame["available"] = frame["active"].astype(bool) & (frame["stock"] > 0)
    tags = pd.DataFrame.from_records(
        list(Product.tags.through.objects.filter(product__in=products).values_list("product_id", "tag__name")),
        columns=["product", "tag"],
    )
    words = tags.groupby("product")["tag"].agg(" ".join).to_dict() if len(tags) else {}
    frame["tags"] = [words.get(product, "") for product in frame["product"]]
    frame["attributes"] = frame["attributes"].map(_attribute_text)
    frame["category"] = frame["category"].fillna("")
    return frame


def shopper_history(*, customer_id: int) -> list[tuple[int, str, datetime]]:
    """The shopper's latest positive product events (product id, type, timestamp), newest first: one indexed query."""
    rows = (
        Event.objects.filter(customer_id=customer_id, type__in=POSITIVE_TYPES, product__isnull=False)
        .order_by("-timestamp")
        .values_list("product_id", "type", "timestamp")[: setting("HISTORY_EVENTS")]
    )
    return list(rows)


def products_state(*, product_ids: list[int]) -> dict[int, tuple[bool, int, int]]:
    """product id -> (active, stock, merchant id), read live so stock-outs since training are never shown."""
    rows = Product.objects.filter(pk__in=product_ids).values_list("id", "active", "stock", "merchant_id")
    return {pk: (active, stock, merchant) for pk, active, stock, merchant in rows}


def products_by_id(*, product_ids: list[int]) -> dict[int, Product]:
    return Product.objects.select_related("category").in_bulk(product_ids)


def recs_versions() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.filter(name=MODEL_NAME).order_by("-version")


def try_it_customers(*, user, limit: int = 30) -> list[Customer]:
    """Customers the user may see who have recent storefront activity, for the page's picker."""
    from apps.core.tenancy import merchant_ids_for_user

    merchant_ids = merchant_ids_for_user(user)
    events = Event.objects.filter(customer__isnull=False, type__in=POSITIVE_TYPES)
    if merchant_ids is not None:
        events = events.filter(merchant_id__in=merchant_ids)
    recent = list(dict.fromkeys(events.order_by("-timestamp").values_list("customer_id", flat=True)[: limit * 20]))[:limit]
    found = Customer.objects.in_bulk(recent)
    return [found[pk] for pk in recent if pk in found]
