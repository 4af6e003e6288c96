"""Emails, IP addresses and card fingerprints: masked in logs always, and in pages, CSV exports and
the API for merchant staff in the `merchandiser` group; platform staff and other merchant staff see them."""
from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.core.security_pii import MASKED_GROUP, PiiLogFilter, mask_card, mask_email, mask_ip, mask_text
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "jane.doe@shopper.test"
IP = "81.2.69.142"
CARD = "fp_4f9a7c2be81d"


def test_masks():
    assert mask_email(EMAIL) == "j***@shopper.test"
    assert mask_ip(IP) == "81.2.x.x"
    assert mask_ip("2001:db8:85a3::8a2e:370:7334") == "2001:0db8::x"
    assert mask_card(CARD) == "****e81d"
    assert mask_email("") == "" and mask_ip(None) == ""


def test_log_lines_never_hold_pii():
    record = logging.LogRecord(
        "apps.fraud", logging.WARNING, __file__, 1, "blocked %s from %s card=%s", (EMAIL, IP, CARD), None
    )
    record.customer_email = EMAIL
    record.card_fingerprint = CARD
    assert PiiLogFilter().filter(record)
    line = record.getMessage()
    assert EMAIL not in line and IP not in line and CARD not in line
    assert "j***@shopper.test" in line and "81.2.x.x" in line
    assert record.customer_email == "j***@shopper.test" and record.card_fingerprint == mask_card(CARD)
    assert "pii" in settings.LOGGING["handlers"]["console"]["filters"]


def test_free_text_keeps_what_is_not_pii():
    text = "request 5f0c9a at 12:33:21 scored 0.93 for order ORD-1001"
    assert mask_text(text) == text


@pytest.fixture
def shop(merchant_a):
    customer = factories.CustomerFactory(external_id="C-PII", email=EMAIL)
    factories.MerchantCustomerFactory(merchant=merchant_a, customer=customer)
    order = factories.OrderFactory(merchant=merchant_a, customer=customer, number="ORD-PII")
    payment = factories.PaymentFactory(
        merchant=merchant_a, customer=customer, order=order, card_fingerprint=CARD, ip_address=IP, transaction_id="TX-PII"
    )
    return customer, order, payment


@pytest.fixture
def merchandiser(staff_a):
    staff_a.groups.add(Group.objects.get_or_create(name=MASKED_GROUP)[0])
    return staff_a


def test_api_masks_for_merchandisers(shop, merchandiser, api_client_for):
    client = api_client_for(merchandiser)
    customer = client.get(reverse("customer-detail", kwargs={"external_id": "C-PII"})).json()
    assert customer["email"] == "j***@shopper.test"
    payment = client.get(reverse("payment-detail", kwargs={"transaction_id": "TX-PII"})).json()
    assert payment["card_fingerprint"] == mask_card(CARD) and payment["ip_address"] == "81.2.x.x"


@pytest.mark.parametrize("fixture", ["staff_a", "analyst"])
def test_api_shows_full_values_to_roles_that_need_them(shop, fixture, request, api_client_for):
    client = api_client_for(request.getfixturevalue(fixture))
    assert client.get(reverse("customer-detail", kwargs={"external_id": "C-PII"})).json()["email"] == EMAIL
    payment = client.get(reverse("payment-detail", kwargs={"transaction_id": "TX-PII"})).json()
    assert payment["card_fingerprint"] == CARD and payment["ip_address"] == IP


def test_portal_pages_and_csv_mask_for_merchandisers(shop, merchandiser, client):
    client.force_login(merchandiser)
    for url in (
        reverse("customers:customer-list"),
        reverse("customers:customer-detail", kwargs={"external_id": "C-PII"}),
        reverse("orders:order-detail", kwargs={"number": "ORD-PII"}),
    ):
        html = client.get(url).content.decode()
        assert EMAIL not in html, url
        assert "j***@shopper.test" in html, url
    assert CARD[:10] not in client.get(reverse("orders:order-detail", kwargs={"number": "ORD-PII"})).content.decode()
    response = client.get(reverse("customers:customer-list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert EMAIL not in body and "j***@shopper.test" in body


def test_portal_csv_keeps_full_emails_for_support(shop, agent, client):
    client.force_login(agent)
    response = client.get(reverse("customers:customer-list"), {"format": "csv"})
    assert EMAIL in b"".join(response.streaming_content).decode()
