"""Shoppers with their own logins and payment histories at merchants A and B."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.accounts.models import User
from apps.alerts.recommendations import THRESHOLDS_CACHE_KEY
from apps.customers.models import link_customers
from apps.mlops import selectors as mlops_selectors
from tests import factories


@pytest.fixture(autouse=True)
def fresh_caches():
    """Loaded models are cached per version id, and ids repeat across rolled-back tests; the
    rules' population cut-offs are cached for an hour."""
    mlops_selectors._cache.clear()
    cache.delete(THRESHOLDS_CACHE_KEY)


def pay(customer, merchant, amount, *, days_ago: float) -> None:
    factories.PaymentFactory(
        customer=customer, merchant=merchant, amount=Decimal(str(amount)), timestamp=timezone.now() - timedelta(days=days_ago)
    )
    link_customers({(merchant.id, customer.id)})


def make_shopper(username: str, external_id: str, merchant, *, amounts=(25, 40)):
    user = factories.UserFactory(username=username, role=User.Role.CUSTOMER)
    customer = factories.CustomerFactory(external_id=external_id, user=user, email=f"{username}@shopper.test")
    for i, amount in enumerate(amounts):
        pay(customer, merchant, amount, days_ago=3 + 7 * i)
    return user, customer


@pytest.fixture
def shopper_a(merchant_a):
    """(user, customer) of a shopper who bought at merchant A."""
    return make_shopper("ann", "C-ANN", merchant_a)


@pytest.fixture
def shopper_b(merchant_b):
    return make_shopper("bob", "C-BOB", merchant_b)

