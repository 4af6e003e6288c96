"""`seed_abuse_cases` plants two rings and a scalper group into the demo shops, detects them, and is idempotent."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.abuse.demo import RING_SHOPS, SCALPED_SHOP
from apps.abuse.models import Ring, ScalpingFlag
from apps.fraud.models import ReviewCase
from apps.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def _demo_shops():
    shops = {slug: factories.MerchantFactory(slug=slug) for slug in [*RING_SHOPS, SCALPED_SHOP]}
    for shop in shops.values():
        factories.ProductFactory.create_batch(3, merchant=shop)
    return shops


def test_planted_cases_are_detected_and_rerunning_adds_nothing():
    shops = _demo_shops()
    out = StringIO()
    call_command("seed_abuse_cases", stdout=out)
    assert "Planted 2 rings and a scalper group of 4 accounts" in out.getvalue()
    rings = Ring.objects.filter(active=True)
    assert {ring.merchant.slug for ring in rings} == set(RING_SHOPS)
    assert sorted(ring.buyers for ring in rings) == [3, 4]
    flag = ScalpingFlag.objects.get()
    assert flag.merchant == shops[SCALPED_SHOP] and (flag.accounts, flag.units) == (4, 8)
    assert ReviewCase.objects.count() == 4
    counts = (Order.objects.count(), Ring.objects.count(), ReviewCase.objects.count())
    again = StringIO()
    call_command("seed_abuse_cases", stdout=again)
    assert "(0 new orders)" in again.getvalue()
    assert (Order.objects.count(), Ring.objects.count(), ReviewCase.objects.count()) == counts


def test_refuses_without_a_marketplace():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_abuse_cases", stdout=StringIO())
