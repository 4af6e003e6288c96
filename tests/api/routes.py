"""Every /api/v1/ route, found by walking the URL conf, and the registry saying how to build a
row of each merchant for it. A route without an entry fails the tenancy tests, so a new
endpoint cannot skip them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from apps.merchants.models import Merchant
from apps.mlops.models import TrainingRun
from apps.mlops.services import ModelCard, model_register
from tests import factories

API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class RouteCase:
    make: Callable[[Merchant], models.Model]
    key: str  # the attribute a list row / URL kwarg identifies the object by
    merchant_owned: bool = True
    method: str = "get"
    body: dict | None = None


def _order(merchant: Merchant):
    order = factories.OrderFactory(merchant=merchant)
    factories.OrderItemFactory(order=order)
    return order


def _customer(merchant: Merchant):
    return factories.MerchantCustomerFactory(merchant=merchant).customer


PRODUCT = RouteCase(lambda m: factories.ProductFactory(merchant=m), "external_id")
CATEGORY = RouteCase(lambda m: factories.CategoryFactory(), "slug", merchant_owned=False)
MERCHANT = RouteCase(lambda m: m, "slug")
CUSTOMER = RouteCase(_customer, "external_id")
ORDER = RouteCase(_order, "number")
PAYMENT = RouteCase(lambda m: factories.PaymentFactory(merchant=m), "transaction_id")
REVIEW = RouteCase(lambda m: factories.ReviewFactory(merchant=m), "pk")
EVENT = RouteCase(lambda m: factories.EventFactory(merchant=m), "external_id")

LIST_ROUTES: dict[str, RouteCase] = {
    "product-list": PRODUCT,
    "category-list": CATEGORY,
    "merchant-list": MERCHANT,
    "customer-list": CUSTOMER,
    "order-list": ORDER,
    "payment-list": PAYMENT,
    "review-list": REVIEW,
    "event-list": EVENT,
}
DETAIL_ROUTES: dict[str, RouteCase] = {
    "product-detail": PRODUCT,
    "category-detail": CATEGORY,
    "merchant-detail": MERCHANT,
    "customer-detail": CUSTOMER,
    "order-detail": ORDER,
    "payment-detail": PAYMENT,
    "review-detail": REVIEW,
    "order-transition": RouteCase(_order, "number", method="post", body={"status": "paid"}),
}


def _model_version(merchant: Merchant):
    return model_register(name="fraud", obj={"weights": [1]}, card=ModelCard({}, {}, [], None, None, {}))


def _training_run(merchant: Merchant):
    return TrainingRun.objects.create(name="fraud", status=TrainingRun.Status.SUCCEEDED)


# Platform-only routes (the model registry): refused (403) to merchant staff whatever the
# object, so they are checked by role instead of by tenancy. `make` ignores the merchant.
PLATFORM_LIST_ROUTES: dict[str, RouteCase] = {
    "modelversion-list": RouteCase(_model_version, "pk", merchant_owned=False),
    "modelversion-rollback": RouteCase(_model_version, "pk", merchant_owned=False, method="post", body={"name": "fraud"}),
    "trainingrun-list": RouteCase(_training_run, "pk", merchant_owned=False),
}
PLATFORM_DETAIL_ROUTES: dict[str, RouteCase] = {
    "modelversion-detail": RouteCase(_model_version, "pk", merchant_owned=False),
    "modelversion-promote": RouteCase(_model_version, "pk", merchant_owned=False, method="post"),
    "trainingrun-detail": RouteCase(_training_run, "pk", merchant_owned=False),
}
# The field a list row shows for RouteCase.key (rows show external ids, not database ids).
ROW_FIELD = {"external_id": ("external_id", "event_id"), "pk": ("id",)}


def api_route_names() -> set[str]:
    """Names of every URL pattern under /api/v1/, however deeply included."""
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith(API_PREFIX):
                names.add(pattern.name or route)

    walk(get_resolver().url_patterns, "")
    return names


def row_key(row: dict, key: str):
    for field in ROW_FIELD.get(key, (key,)):
        if field in row:
            return row[field]
    raise KeyError(key)
