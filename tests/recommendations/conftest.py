"""A small two-merchant world with obvious co-interactions, and a trained production model over it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.catalog.models import Product
from apps.customers.models import Customer, link_customers
from apps.events.models import Event
from apps.merchants.models import Merchant
from apps.mlops.services import ModelCard, model_promote, model_register
from apps.recommendations.access import access_forget
from apps.recommendations.selectors import MODEL_NAME, interactions_frame, products_frame
from apps.recommendations.serving import production_forget
from ml.recs.model import recs_fit
from tests import factories


@pytest.fixture(autouse=True)
def fresh_serving_state():
    """Each test looks its production model up afresh (serving memoises it per process for a few seconds)."""
    production_forget()
    access_forget()
    yield
    production_forget()
    access_forget()


@dataclass
class World:
    merchant_a: Merchant
    merchant_b: Merchant
    products: dict[str, Product]
    shopper: Customer
    """Linked to merchant A: viewed mug M1, bought mug M3."""
    outsider: Customer
    """Only ever shopped at merchant B."""


def _product(merchant, external_id, title, category, **fields) -> Product:
    return factories.ProductFactory(merchant=merchant, external_id=external_id, title=title, category=category,
                                    description=title.lower(), **fields)


@pytest.fixture
def world(merchant_a, merchant_b) -> World:
    return build_world(merchant_a, merchant_b, crowd=60)


@pytest.fixture
def busy_world(merchant_a, merchant_b) -> World:
    """Enough history to pass the trainer's minimum (500 interactions of 50 shoppers)."""
    return build_world(merchant_a, merchant_b, crowd=240, shuffled=True)


def build_world(merchant_a: Merchant, merchant_b: Merchant, *, crowd: int, shuffled: bool = False) -> World:
    """Shoppers in three groups (mug people, print people, merchant B's regulars).

    `shuffled`: each shopper visits their group's items in a random order over six days, so some
    meet an item first late in their history (what a time-ordered evaluation needs to hold out).
    """
    cache.clear()
    mugs = factories.CategoryFactory(name="Mugs")
    prints = factories.CategoryFactory(name="Prints")
    products = {
        "M1": _product(merchant_a, "M1", "Custom Name Mug", mugs),
        "M2": _product(merchant_a, "M2", "Latte Mug With Initials", mugs),
        "M3": _product(merchant_a, "M3", "Enamel Camping Mug", mugs),
        "M4": _product(merchant_a, "M4", "Sold Out Photo Mug", mugs),
        "P1": _product(merchant_a, "P1", "Botanical Art Print", prints),
        "P2": _product(merchant_a, "P2", "City Map Art Print", prints),
        "B1": _product(merchant_b, "B1", "Foreign Star Map Print", prints),
        "B2": _product(merchant_b, "B2", "Foreign Family Portrait", prints),
    }
    now = timezone.now()
    events, links = [], set()
    people = Customer.objects.bulk_create([Customer(external_id=f"CROWD{i:03d}") for i in range(crowd)])

    def add(customer, merchant, code, kind, age_days):
        events.append(Event(external_id=f"EV{len(events):05d}", merchant=merchant, customer=customer, type=kind,
                            product=products[code], session_id=f"S{customer.pk}", timestamp=now - timedelta(days=age_days)))
        links.add((merchant.pk, customer.pk))

    third = crowd // 3
    groups = (("M1", "M2", "M3", "M4", "M1", "M2"), ("P1", "P2", "P1", "P2", "M1", "P1"), ("B1", "B2", "B1", "B2", "B1", "B2"))
    rng = np.random.default_rng(7)
    for i, customer in enumerate(people if shuffled else ()):
        group = min(i // third, 2)
        merchant = merchant_b if group == 2 else merchant_a
        for day, code in enumerate(rng.permutation(groups[group])):
            add(customer, merchant, str(code), "view", 10 - day)
    for i, customer in enumerate(() if shuffled else people):
        if i < third:  # mug people: M1 goes with M2 and M4 always, with M3 for half of them
            for code in ("M1", "M2", "M4", "M3") if i < third // 2 else ("M1", "M2", "M4"):
                add(customer, merchant_a, code, "view", 5 + i % 7)
        elif i < 2 * third:  # print people
            add(customer, merchant_a, "P1", "view", 5)
            add(customer, merchant_a, "P2", "add_to_cart", 4)
        else:  # merchant B's regulars
            add(customer, merchant_b, "B1", "view", 3)
            add(customer, merchant_b, "B2", "purchase", 2)
    shopper = factories.CustomerFactory(external_id="SHOPPER-A")
    add(shopper, merchant_a, "M1", "view", 1)
    add(shopper, merchant_a, "M3", "purchase", 1)
    outsider = factories.CustomerFactory(external_id="SHOPPER-B")
    add(outsider, merchant_b, "B1", "view", 1)
    Event.objects.bulk_create(events)
    link_customers(links)
    return World(merchant_a, merchant_b, products, shopper, outsider)


def train_production(reference=None):
    """Fit on the world's events (through the app's own selectors) and make it the production model."""
    model = recs_fit(interactions_frame(), products_frame(), reference=reference)
    version = model_register(name=MODEL_NAME, obj=model, card=ModelCard({}, {}, [], None, None, {}))
    return model_promote(version=version), model


@pytest.fixture
def trained(world):
    Product.objects.filter(pk=world.products["M4"].pk).update(stock=0)
    version, model = train_production()
    cache.clear()
    return world, version, model
