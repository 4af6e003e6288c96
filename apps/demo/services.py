"""Writes for the demo: the simulated marketplace into the database, and one login per role.

The simulator (ml.simulate) knows nothing of Django; here its frames get database ids and are
bulk-written in one transaction, parents before children. Ids are assigned up front (after any
existing rows), so children reference parents without reading them back.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from apps.accounts.models import User
from apps.catalog.models import Category, Product, Tag
from apps.core.audit import audit_record
from apps.core.models import AuditLog
from apps.customers.models import Customer, MerchantCustomer
from apps.demo.bulk import bulk_insert, next_id, sequences_reset
from apps.demo.selectors import demo_owner_merchants, demo_shopper_customer
from apps.demo.timing import StageClock, StageTiming
from apps.events.models import Event
from apps.merchants.models import Membership, Merchant
from apps.orders.models import Order, OrderItem, Payment
from apps.reviews.models import Review
from ml.simulate.config import SimulationConfig
from ml.simulate.marketplace import Marketplace, simulate

GENERATION_STAGES = 7  # catalog, shoppers, sessions, orders, fraud, reviews, finish


class DemoDataMissing(Exception):
    """The demo logins need merchants and customers to attach to."""


def _merchants_write(frame: pd.DataFrame) -> np.ndarray:
    ids = []
    for row in frame.itertuples(index=False):
        merchant, _ = Merchant.objects.update_or_create(
            external_id=row.external_id,
            defaults={"name": row.name, "slug": row.slug, "settings": json.loads(row.settings)},
        )
        ids.append(merchant.id)
    return np.array(ids)


def _tags_ensure(names: list[str]) -> dict[str, int]:
    Tag.objects.bulk_create([Tag(name=n, slug=slugify(n)) for n in names], ignore_conflicts=True)
    return dict(Tag.objects.filter(name__in=names).values_list("name", "id"))


def _write(market: Marketplace, clock: StageClock, progress: bool | None) -> None:
    now = timezone.now()
    merchant_id = _merchants_write(market.merchants)
    clock.lap("write merchants", len(merchant_id))

    products = market.products
    category_id = {path: Category.ensure_path(path).id for path in sorted(products["category_path"].unique())}
    product_base = next_id(Product)
    bulk_insert(Product, pd.DataFrame({
        "id": product_base + products["product"],
        "merchant_id": merchant_id[products["merchant"].to_numpy()],
        "external_id": products["external_id"], "title": products["title"], "description": products["description"],
        "price": products["price"], "currency": products["currency"],
        "category_id": products["category_path"].map(category_id), "attributes": products["attributes"],
        "customisable": products["customisable"], "stock": products["stock"], "active": products["active"],
        "created_at": products["created_at"], "updated_at": now,
    }), label="products", progress=progress)
    tag_id = _tags_ensure(sorted(market.product_tags["tag"].unique()))
    bulk_insert(Product.tags.through, pd.DataFrame({
        "product_id": product_base + market.product_tags["product"],
        "tag_id": market.product_tags["tag"].map(tag_id),
    }).drop_duplicates(), label="product tags", progress=progress)
    clock.lap("write catalog", len(products) + len(market.product_tags))

    customers = market.customers
    customer_base = next_id(Customer)
    clock.lap("write customers", bulk_insert(Customer, pd.DataFrame({
        "id": customer_base + customers["customer"], "external_id": customers["external_id"],
        "email": customers["email"], "name": customers["name"], "country": customers["country"],
        "marketing_opt_in": customers["marketing_opt_in"], "created_at": customers["created_at"], "updated_at": now,
    }), label="customers", progress=progress))

    orders = market.orders
    order_base = next_id(Order)
    written = bulk_insert(Order, pd.DataFrame({
        "id": order_base + orders["order"], "merchant_id": merchant_id[orders["merchant"].to_numpy()],
        "number": orders["number"], "customer_id": customer_base + orders["customer"], "status": orders["status"],
        "currency": orders["currency"], "subtotal": orders["subtotal"], "shipping": orders["shipping"],
        "tax": orders["tax"], "total": orders["total"], "placed_at": orders["placed_at"],
        "created_at": orders["placed_at"], "updated_at": now,
    }), label="orders", progress=progress)
    items = market.order_items
    written += bulk_insert(OrderItem, pd.DataFrame({
        "order_id": order_base + items["order"], "product_id": product_base + items["product"],
        "title": items["title"], "quantity": items["quantity"], "unit_price": items["unit_price"],
        "customisation": items["customisation"],
    }), label="order items", progress=progress)
    clock.lap("write orders", written)

    payments = market.payments
    clock.lap("write payments", bulk_insert(Payment, pd.DataFrame({
        "transaction_id": payments["transaction_id"], "order_id": payments["order"] + order_base,
        "customer_id": customer_base + payments["customer"],
        "merchant_id": merchant_id[payments["merchant"].to_numpy()], "amount": payments["amount"],
        "currency": payments["currency"], "card_fingerprint": payments["card_fingerprint"],
        "device_id": payments["device_id"], "ip_address": payments["ip_address"], "country": payments["country"],
        "latitude": payments["latitude"], "longitude": payments["longitude"],
        "merchant_category": payments["merchant_category"], "timestamp": payments["timestamp"],
        "is_fraud": payments["is_fraud"], "label_source": payments["label_source"],
        "created_at": payments["timestamp"], "updated_at": now,
    }), label="payments", progress=progress))

    events = market.events
    clock.lap("write events", bulk_insert(Event, pd.DataFrame({
        "external_id": events["external_id"], "merchant_id": merchant_id[events["merchant"].to_numpy()],
        "customer_id": customer_base + events["customer"], "anonymous_id": events["anonymous_id"],
        "session_id": events["session_id"], "type": events["type"], "product_id": events["product"] + product_base,
        "query": events["query"], "value": events["value"], "timestamp": events["timestamp"],
        "properties": events["properties"], "created_at": now,
    }), label="events", progress=progress))

    reviews = market.reviews
    written = bulk_insert(Review, pd.DataFrame({
        "merchant_id": merchant_id[reviews["merchant"].to_numpy().astype(int)],
        "external_id": reviews["external_id"], "product_id": product_base + reviews["product"],
        "customer_id": customer_base + reviews["customer"], "rating": reviews["rating"], "title": reviews["title"],
        "text": reviews["text"], "created_at": reviews["created_at"], "updated_at": now,
    }), label="reviews", progress=progress)
    links = market.merchant_customers
    written += bulk_insert(MerchantCustomer, pd.DataFrame({
        "merchant_id": merchant_id[links["merchant"].to_numpy()], "customer_id": customer_base + links["customer"],
        "first_seen_at": links["first_seen_at"],
    }), label="merchant links", progress=progress)
    sequences_reset([Product, Customer, Order])
    clock.lap("write reviews & links", written)


def demo_seed(*, config: SimulationConfig, progress: bool | None = None) -> list[StageTiming]:
    """Simulate the marketplace and write it atomically; returns per-stage timings.

    Expects an empty catalog (the caller checks): product, order and event ids are unique
    marketplace-wide, and a second seed would collide with the first.
    """
    clock = StageClock()
    with tqdm(total=GENERATION_STAGES, desc="generate", disable=None if progress is None else not progress) as bar:

        def generated(stage: str, rows: int) -> None:
            clock.lap(f"generate {stage}", rows)
            bar.update(1)

        market = simulate(config, report=generated)
    with transaction.atomic():
        _write(market, clock, progress)
    clock.lap("commit (foreign key checks)", 0)
    return clock.stages


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    sees: str


# Demo-only passwords, printed by `demo_users`; the command refuses to run unless DEBUG is on.
_PLATFORM_LOGINS = (
    ("admin", "demo-admin-2026", User.Role.PLATFORM_ADMIN, True,
     "Everything: every merchant, the Django admin, the audit log and the model registry"),
    ("analyst", "demo-analyst-2026", User.Role.FRAUD_ANALYST, False,
     "Every merchant's payments, fraud scores and labels"),
    ("agent", "demo-agent-2026", User.Role.SUPPORT_AGENT, False,
     "Every merchant's customers, orders and events, to help shoppers"),
)
MERCHANT_PASSWORD = "demo-merchant-2026"
SHOPPER_USERNAME = "shopper"
SHOPPER_PASSWORD = "demo-shopper-2026"


def _login_ensure(*, username: str, password: str, role: str, admin: bool = False) -> User:
    """Create or reset one login; re-running leaves the same state (and audits only the creation)."""
    user, created = User.objects.get_or_create(username=username)
    user.role = role
    user.is_staff = user.is_superuser = admin
    user.is_active = True
    user.email = f"{username}@demo.shopsignal.test"
    user.set_password(password)
    user.save()
    if created:
        audit_record(actor=None, action=AuditLog.Action.CREATE, instance=user, summary=f"demo login {username}",
                     source="command")
    return user


def demo_users_ensure() -> list[DemoLogin]:
    """One login per role: platform admin, fraud analyst, support agent, owners of the first two
    merchants, and a shopper linked to a real demo customer. Idempotent."""
    merchants = demo_owner_merchants()
    customer = demo_shopper_customer(username=SHOPPER_USERNAME)
    if not merchants or customer is None:
        raise DemoDataMissing("No merchants or customers yet: run `manage.py seed_demo` first.")
    logins = []
    with transaction.atomic():
        for username, password, role, admin, sees in _PLATFORM_LOGINS:
            _login_ensure(username=username, password=password, role=role, admin=admin)
            logins.append(DemoLogin(role, username, password, sees))
        for merchant in merchants:
            username = f"{merchant.slug.split('-')[0]}-owner"
            owner = _login_ensure(username=username, password=MERCHANT_PASSWORD, role=User.Role.MERCHANT_STAFF)
            Membership.objects.update_or_create(user=owner, merchant=merchant,
                                                defaults={"role": Membership.Role.OWNER})
            logins.append(DemoLogin(f"{User.Role.MERCHANT_STAFF} (owner)", username, MERCHANT_PASSWORD,
                                    f"Only {merchant.name}: its catalog, orders, customers, events and reviews"))
        shopper = _login_ensure(username=SHOPPER_USERNAME, password=SHOPPER_PASSWORD, role=User.Role.CUSTOMER)
        if customer.user_id != shopper.id:
            customer.user = shopper
            customer.save(update_fields=["user", "updated_at"])
        logins.append(DemoLogin(User.Role.CUSTOMER, SHOPPER_USERNAME, SHOPPER_PASSWORD,
                                f"No merchant data; their own account as customer {customer.external_id}"))
    return logins
