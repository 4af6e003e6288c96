"""`manage.py seed_demo`: writes exactly what the simulator made, with consistent relations."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from apps.catalog.models import Category, Product
from apps.customers.models import Customer, MerchantCustomer
from apps.events.models import Event
from apps.merchants.models import Merchant
from apps.orders.models import ALLOWED_TRANSITIONS, Order, OrderItem, Payment
from apps.reviews.models import Review
from ml.simulate.config import SimulationConfig
from ml.simulate.marketplace import simulate
from tests import factories

ARGS = ["--customers", "150", "--products", "40", "--days", "30", "--seed", "4", "--end-date", "2025-12-31"]
CONFIG = SimulationConfig(end=date(2025, 12, 31), customers=150, products=40, days=30, seed=4)


@pytest.fixture
def seeded(db, capsys):
    call_command("seed_demo", *ARGS)
    return capsys.readouterr().out


def test_seed_writes_what_the_simulator_made(seeded):
    market = simulate(CONFIG)
    assert Merchant.objects.count() == len(market.merchants)
    assert Product.objects.count() == len(market.products)
    assert Customer.objects.count() == len(market.customers)
    assert Event.objects.count() == len(market.events)
    assert Payment.objects.count() == len(market.payments)
    assert Review.objects.count() == len(market.reviews)
    assert Payment.objects.filter(is_fraud=True).count() == int(market.payments["is_fraud"].sum())
    first = market.orders.iloc[0]
    order = Order.objects.get(number=first["number"])
    assert order.total == Decimal(f"{first['total']:.2f}") and order.status == first["status"]
    assert "write events" in seeded and "rows/s" in seeded


def test_events_reference_products_of_their_merchant(seeded):
    assert Event.objects.filter(product__isnull=False).exclude(product__merchant_id=F("merchant_id")).count() == 0
    assert Event.objects.filter(type="view", product__isnull=True).count() == 0
    unlinked = Event.objects.exclude(
        customer__merchant_links__merchant_id=F("merchant_id")
    ).filter(customer__isnull=False)
    assert not unlinked.exists()


def test_orders_add_up_and_use_allowed_statuses(seeded):
    line = ExpressionWrapper(F("unit_price") * F("quantity"), output_field=DecimalField(max_digits=12, decimal_places=2))
    sums = dict(OrderItem.objects.values_list("order_id").annotate(s=Sum(line)).values_list("order_id", "s"))
    orders = list(Order.objects.all())
    assert orders
    for order in orders:
        assert abs(sums[order.id] - order.subtotal) < Decimal("0.01")
        assert order.subtotal + order.shipping + order.tax == order.total
        assert order.status in ALLOWED_TRANSITIONS
    assert OrderItem.objects.exclude(product__merchant_id=F("order__merchant_id")).count() == 0
    assert Payment.objects.filter(order__isnull=False).exclude(order__customer_id=F("customer_id")).count() == 0
    assert not Payment.objects.filter(order__status="pending").exists()


def test_reviews_belong_to_the_products_merchant(seeded):
    assert Review.objects.exists()
    assert Review.objects.exclude(merchant_id=F("product__merchant_id")).count() == 0
    assert MerchantCustomer.objects.filter(customer__reviews__merchant_id=F("merchant_id")).exists()


def test_category_tree_and_tags_are_built(seeded):
    assert not Product.objects.filter(category__isnull=True).exists()
    leaf = Product.objects.filter(category__depth=2).select_related("category__parent__parent").first().category
    assert leaf.path.startswith(leaf.parent.path + " > ") and leaf.parent.parent.parent is None
    assert not Category.objects.filter(products__isnull=False, children__isnull=False).exists()
    assert Product.objects.filter(tags__name="personalised").exists()
    assert Category.objects.filter(children__isnull=True).count() >= 5


def test_ids_continue_after_the_seed(seeded):
    merchant = Merchant.objects.first()
    product = factories.ProductFactory(merchant=merchant, external_id="AFTER-SEED")
    customer = factories.CustomerFactory(external_id="AFTER-SEED")
    order = factories.OrderFactory(merchant=merchant, customer=customer, number="ORD-1")
    assert product.id > Product.objects.exclude(pk=product.pk).order_by("-id").first().id
    assert order.pk and customer.pk


def test_if_empty_skips_a_seeded_database(seeded, capsys):
    events = Event.objects.count()
    call_command("seed_demo", "--if-empty", *ARGS)
    assert "nothing to seed" in capsys.readouterr().out
    assert Event.objects.count() == events


def test_refuses_to_seed_over_existing_products(db):
    factories.ProductFactory()
    with pytest.raises(CommandError, match="already holds 1 products"):
        call_command("seed_demo", *ARGS)
    assert Event.objects.count() == 0


def test_bad_sizes_are_a_clear_error(db):
    with pytest.raises(CommandError, match="products must be at least"):
        call_command("seed_demo", "--products", "2", "--end-date", "2025-12-31")
