"""A storefront with products and a shopper with orders, for the chat tests."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.chat.identity import ShopperIdentity
from apps.chat.nlu import classifier_reset, knowledge_reset
from apps.customers.models import Customer, link_customers
from apps.merchants.models import Merchant
from apps.orders.models import Order
from tests import factories


@dataclass(frozen=True)
class Storefront:
    merchant: Merchant
    shopper: Customer
    other: Customer
    order: Order
    others_order: Order


@pytest.fixture(autouse=True)
def _fresh_caches(settings):
    """Tests roll back rows no cache hears of: check the FAQ and catalog on every message."""
    settings.CHAT_KNOWLEDGE_REFRESH_SECONDS = 0
    classifier_reset()
    knowledge_reset()
    yield
    classifier_reset()
    knowledge_reset()


@pytest.fixture
def storefront(merchant_a, customer_user) -> Storefront:
    factories.ProductFactory(merchant=merchant_a, title="Personalised Name Mug", price=Decimal("14.99"), stock=12,
                             customisable=True, attributes={"material": "ceramic", "colours": ["white", "black"],
                                                            "customisation": ["name", "font"]})
    factories.ProductFactory(merchant=merchant_a, title="Custom Star Map Poster", price=Decimal("34.00"), stock=0)
    shopper = factories.CustomerFactory(user=customer_user, name="Sam Shopper", email="sam@shopper.test")
    other = factories.CustomerFactory(name="Olive Other")
    order = factories.OrderFactory(merchant=merchant_a, customer=shopper, number="ORD-5001", status="shipped")
    factories.OrderItemFactory(order=order, title="Personalised Name Mug")
    others_order = factories.OrderFactory(merchant=merchant_a, customer=other, number="ORD-5002", status="paid")
    link_customers({(merchant_a.id, shopper.id), (merchant_a.id, other.id)})
    return Storefront(merchant_a, shopper, other, order, others_order)


@pytest.fixture
def shopper_identity(storefront) -> ShopperIdentity:
    return ShopperIdentity(storefront.merchant.pk, customer_id=storefront.shopper.pk)


@pytest.fixture(scope="session")
def trained_classifier():
    """The intent model trained once per test session on the shipped examples (no registry)."""
    from ml.chat.examples import examples_load
    from ml.chat.intents import train_intent_classifier

    return train_intent_classifier(examples_load())


@pytest.fixture
def intent_model(trained_classifier):
    """Serve the trained model as if it were the registry's production model."""
    import time

    from apps.chat import nlu

    nlu._model.update(checked=time.monotonic() + 3600, classifier=trained_classifier, version="chat_intents test")
    yield trained_classifier
    classifier_reset()
