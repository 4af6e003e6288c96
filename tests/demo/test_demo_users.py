"""`manage.py demo_users`: one login per role, idempotent, never by accident in production."""
from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.accounts.models import User
from apps.customers.models import Customer
from apps.merchants.models import Membership
from tests import factories

PASSWORDS = {
    "admin": "demo-admin-2026",
    "analyst": "demo-analyst-2026",
    "agent": "demo-agent-2026",
    "mugs-owner": "demo-merchant-2026",
    "print-owner": "demo-merchant-2026",
    "shopper": "demo-shopper-2026",
}


@pytest.fixture
def demo_world(db):
    mugs = factories.MerchantFactory(name="Mugs & More", slug="mugs-and-more")
    prints = factories.MerchantFactory(name="Print Palace", slug="print-palace")
    factories.MerchantFactory(name="Case Closed", slug="case-closed")
    busy = factories.CustomerFactory()
    factories.OrderFactory.create_batch(2, merchant=mugs, customer=busy)
    factories.CustomerFactory()
    return mugs, prints, busy


def test_refuses_without_debug(demo_world):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_users")
    assert not User.objects.filter(username__in=PASSWORDS).exists()


@override_settings(DEBUG=True)
def test_creates_one_login_per_role(demo_world, capsys):
    mugs, prints, busy = demo_world
    call_command("demo_users")
    out = capsys.readouterr().out
    for username, password in PASSWORDS.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert f" {username} " in out and password in out
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="analyst").role == User.Role.FRAUD_ANALYST
    assert User.objects.get(username="agent").role == User.Role.SUPPORT_AGENT
    owners = Membership.objects.filter(role=Membership.Role.OWNER)
    assert {(m.user.username, m.merchant_id) for m in owners} == {("mugs-owner", mugs.id), ("print-owner", prints.id)}
    assert Customer.objects.get(user__username="shopper") == busy


def test_force_runs_without_debug_and_is_idempotent(demo_world):
    call_command("demo_users", "--force")
    shopper_customer = Customer.objects.get(user__username="shopper")
    User.objects.filter(username="analyst").update(role=User.Role.CUSTOMER)
    users, memberships = User.objects.count(), Membership.objects.count()
    call_command("demo_users", "--force")
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert User.objects.get(username="analyst").role == User.Role.FRAUD_ANALYST
    assert Customer.objects.get(user__username="shopper") == shopper_customer
    assert Customer.objects.filter(user__isnull=False).count() == 1


def test_needs_seeded_merchants(db):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_users", "--force")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_the_shopper_login_is_not_a_suspected_customer(demo_world):
    from django.utils import timezone

    from apps.risk.models import RiskScore

    mugs, _, busy = demo_world
    ringleader = factories.CustomerFactory()
    factories.OrderFactory.create_batch(5, merchant=mugs, customer=ringleader)
    RiskScore.objects.create(
        merchant=mugs, subject="customer", customer=ringleader, score=0.8, band="high", computed_at=timezone.now()
    )
    call_command("demo_users")
    assert Customer.objects.get(user__username="shopper") == busy
