"""The cast every access test reads the same way: two merchants A and B, a member of each,
platform staff of each role, a customer, and API clients for them."""
from __future__ import annotations

import os

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken, User
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """Skip on a laptop without the service; under CI a missing service is a failure, never a skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available")
    pytest.skip(f"{what} not available (set DATABASE_URL/REDIS_URL to run this test)")


@pytest.fixture(autouse=True)
def _fresh_merchant_directory():
    """Merchant ids by external id are kept per process (apps.merchants.directory) and a test's rows are
    rolled back without a signal: no test may resolve an external id to an earlier test's merchant."""
    from apps.merchants.directory import directory_forget

    directory_forget()  # this process's copy, and (through the shared generation) live servers' in integration tests


@pytest.fixture
def merchant_a(db):
    return factories.MerchantFactory(name="Mugs & More", slug="mugs-more", external_id="MA")


@pytest.fixture
def merchant_b(db):
    return factories.MerchantFactory(name="Print Palace", slug="print-palace", external_id="MB")


@pytest.fixture
def staff_a(merchant_a):
    user = factories.UserFactory(username="staff_a", role=User.Role.MERCHANT_STAFF)
    factories.MembershipFactory(user=user, merchant=merchant_a)
    return user


@pytest.fixture
def staff_b(merchant_b):
    user = factories.UserFactory(username="staff_b", role=User.Role.MERCHANT_STAFF)
    factories.MembershipFactory(user=user, merchant=merchant_b)
    return user


@pytest.fixture
def platform_admin(db):
    return factories.UserFactory(username="admin1", role=User.Role.PLATFORM_ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def analyst(db):
    return factories.UserFactory(username="analyst1", role=User.Role.FRAUD_ANALYST)


@pytest.fixture
def agent(db):
    return factories.UserFactory(username="agent1", role=User.Role.SUPPORT_AGENT)


@pytest.fixture
def customer_user(db):
    return factories.UserFactory(username="shopper1", role=User.Role.CUSTOMER)


def _client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _, raw = ApiToken.issue(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_client_for():
    """api_client_for(user) -> an APIClient authenticated with a fresh bearer token (None: anonymous)."""
    return _client_for


@pytest.fixture
def api_a(staff_a):
    return _client_for(staff_a)


@pytest.fixture
def api_b(staff_b):
    return _client_for(staff_b)


@pytest.fixture
def login():
    """login(user) -> a Django test Client with a session for `user` (None: anonymous)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
