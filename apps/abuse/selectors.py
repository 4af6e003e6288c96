"""Reads: the frames the detectors take, and the flags and rings a user may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd
from django.db.models import Min, Prefetch, Q, QuerySet

from apps.abuse.models import Ring, RingMember, ScalpingFlag
from apps.catalog.models import Product
from apps.core.tenancy import scope_for_user
from apps.customers.models import Customer
from apps.orders.models import Order, OrderItem, OrderStatus, Payment
from apps.reviews.models import Review
from ml.risk.scalping import PURCHASE_COLUMNS, is_limited

if TYPE_CHECKING:
    from apps.accounts.models import User

IDENTITY_FIELDS = {"card": "card_fingerprint", "device": "device_id", "ip": "ip_address"}


@dataclass(frozen=True)
class ScalpingFrames:
    purchases: pd.DataFrame
    identities: pd.DataFrame
    products: pd.DataFrame


def scalping_frames(*, since: datetime, until: datetime, identity_since: datetime, low_stock: int) -> ScalpingFrames:
    """Order items placed in [since, until) with their payment, the linking identities of the
    buyers (and of accounts sharing a card or device with them), and the limited-product table."""
    items = (
        OrderItem.objects.filter(order__placed_at__gte=since, order__placed_at__lt=until, product__isnull=False)
        .exclude(order__status=OrderStatus.CANCELLED)
        .values_list("order_id", "order__customer_id", "product_id", "quantity", "order__placed_at")
    )
    purchases = pd.DataFrame(list(items), columns=["order_id", "customer_id", "product_id", "quantity", "placed_at"])
    first_payment = dict(
        Payment.objects.filter(order_id__in=purchases["order_id"].unique().tolist())
        .values("order_id")
        .annotate(first=Min("id"))
        .values_list("order_id", "first")
    )
    purchases["payment_id"] = purchases["order_id"].map(first_payment)
    purchases = purchases[PURCHASE_COLUMNS]
    customers = purchases["customer_id"].unique().tolist()
    recent = Payment.objects.filter(timestamp__gte=identity_since)
    own = recent.filter(customer_id__in=customers)
    cards = own.exclude(card_fingerprint="").values("card_fingerprint")
    devices = own.exclude(device_id="").values("device_id")
    # One hop out: accounts that share a card or device with a buyer can link two buyers.
    linked = recent.filter(Q(customer_id__in=customers) | Q(card_fingerprint__in=cards) | Q(device_id__in=devices))
    identities = pd.DataFrame(
        list(linked.values_list("customer_id", "card_fingerprint", "device_id").distinct()),
        columns=["customer_id", "card_fingerprint", "device_id"],
    )
    rows = Product.objects.filter(pk__in=purchases["product_id"].unique().tolist()).values_list(
        "pk", "attributes", "stock", "customisable"
    )
    products = pd.DataFrame(
        [
            {
                "product_id": pk,
                "limited": is_limited(attributes=attributes, stock=stock, customisable=customisable, low_stock=low_stock),
                "limited_edition": bool((attributes or {}).get("limited_edition") or (attributes or {}).get("edition_size")),
                "stock": stock,
                "cap": _number((attributes or {}).get("max_per_customer")),
            }
            for pk, attributes, stock, customisable in rows
        ],
        columns=["product_id", "limited", "limited_edition", "stock", "cap"],
    ).set_index("product_id")
    return ScalpingFrames(purchases=purchases, identities=identities, products=products)


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


@dataclass(frozen=True)
class RingFrames:
    orders: pd.DataFrame
    identities: pd.DataFrame
    reviews: pd.DataFrame


def ring_frames(*, since: datetime) -> RingFrames:
    """Orders (buyer → seller), the identities buyers paid with, staff logins, and reviews since `since`."""
    orders = pd.DataFrame(
        list(
            Order.objects.filter(placed_at__gte=since)
            .exclude(status=OrderStatus.CANCELLED)
            .values_list("pk", "customer_id", "merchant_id")
        ),
        columns=["order_id", "buyer_id", "seller_id"],
    )
    payments = pd.DataFrame(
        list(Payment.objects.filter(timestamp__gte=since).values_list("customer_id", *IDENTITY_FIELDS.values()).distinct()),
        columns=["buyer_id", *IDENTITY_FIELDS],
    )
    long = payments.melt(id_vars="buyer_id", var_name="kind", value_name="value").dropna()
    staff = pd.DataFrame(
        list(
            Customer.objects.filter(user__memberships__isnull=False).values_list("pk", "user__memberships__merchant_id")
        ),
        columns=["buyer_id", "value"],
    ).assign(kind="staff")
    identities = pd.concat([long, staff[["buyer_id", "kind", "value"]]], ignore_index=True)
    identities["value"] = identities["value"].astype(str)
    reviews = pd.DataFrame(
        list(
            Review.objects.filter(created_at__gte=since, customer__isnull=False).values_list(
                "customer_id", "merchant_id", "rating"
            )
        ),
        columns=["buyer_id", "seller_id", "rating"],
    )
    return RingFrames(orders=orders, identities=identities, reviews=reviews)


def scalping_flag_list(*, user: User, filters=None) -> QuerySet[ScalpingFlag]:
    flags = scope_for_user(ScalpingFlag.objects.select_related("merchant", "product", "model_version"), user)
    filters = filters or {}
    if filters.get("merchant"):
        flags = flags.filter(merchant__slug=filters["merchant"])
    if filters.get("product"):
        flags = flags.filter(product__external_id=filters["product"])
    return flags


def ring_list(*, user: User, filters=None) -> QuerySet[Ring]:
    """Rings about the user's merchants; active ones unless `include_inactive` is set."""
    rings = scope_for_user(Ring.objects.select_related("merchant"), user)
    filters = filters or {}
    if filters.get("merchant"):
        rings = rings.filter(merchant__slug=filters["merchant"])
    if str(filters.get("include_inactive", "")).lower() not in ("1", "true", "yes", "on"):
        rings = rings.filter(active=True)
    return rings


def ring_detail(*, user: User) -> QuerySet[Ring]:
    """Every ring in the user's scope (inactive included) with its members, for detail pages."""
    members = Prefetch("members", queryset=RingMember.objects.select_related("customer"))
    return scope_for_user(Ring.objects.select_related("merchant").prefetch_related(members), user)
