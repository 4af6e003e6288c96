"""The chat API: storefront tokens (and their tampering and expiry), the widget's HTTP fallback,
and that a shopper only ever reads their own conversation."""
from __future__ import annotations

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from apps.chat.identity import InvalidToken, shopper_token_issue, shopper_token_read
from apps.chat.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_merchant_api_client_gets_a_token_for_its_customer(storefront, api_a):
    response = api_a.post(reverse("chat-token"), {"merchant": storefront.merchant.slug,
                                                  "customer_id": storefront.shopper.external_id}, format="json")
    assert response.status_code == 201
    assert shopper_token_read(response.json()["token"], merchant_id=storefront.merchant.pk) == storefront.shopper.pk


def test_token_for_a_stranger_customer_is_refused(storefront, api_a):
    from tests import factories

    stranger = factories.CustomerFactory()
    response = api_a.post(reverse("chat-token"), {"merchant": storefront.merchant.slug,
                                                  "customer_id": stranger.external_id}, format="json")
    assert response.status_code == 400 and "customer_id" in response.json()["errors"]


def test_tampered_foreign_and_expired_tokens_are_refused(storefront, merchant_b):
    token = shopper_token_issue(merchant_id=storefront.merchant.pk, customer_id=storefront.shopper.pk)
    value, _, signature = token.rpartition(":")
    with pytest.raises(InvalidToken):
        shopper_token_read(value + ":" + signature[::-1], merchant_id=storefront.merchant.pk)
    forged = signing.TimestampSigner(salt="another-salt").sign_object({"m": storefront.merchant.pk, "c": 1})
    with pytest.raises(InvalidToken):
        shopper_token_read(forged, merchant_id=storefront.merchant.pk)
    with pytest.raises(InvalidToken, match="not valid for this shop"):
        shopper_token_read(token, merchant_id=merchant_b.pk)
    with override_settings(CHAT_TOKEN_MAX_AGE_SECONDS=-1), pytest.raises(InvalidToken, match="expired"):
        shopper_token_read(token, merchant_id=storefront.merchant.pk)


def test_fallback_post_stores_and_answers(storefront, intent_model):
    client = APIClient()
    url = reverse("chat-messages")
    first = client.post(url, {"merchant": storefront.merchant.slug, "text": "hello", "client_id": "a1"}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert [m["sender"] for m in body["messages"]] == ["shopper", "bot"] and body["visitor"]
    assert "intent" not in body["messages"][0]
    again = client.post(url, {"merchant": storefront.merchant.slug, "text": "hello", "client_id": "a1",
                              "visitor": body["visitor"]}, format="json")
    assert again.json()["conversation"] == body["conversation"]
    assert Message.objects.filter(client_id="a1").count() == 1
    polled = client.get(url, {"merchant": storefront.merchant.slug, "visitor": body["visitor"],
                              "after": body["messages"][0]["id"]})
    assert [m["sender"] for m in polled.json()["messages"]] == ["bot"]


def test_signed_in_shopper_uses_the_session(storefront, customer_user, intent_model):
    client = APIClient()
    client.force_login(customer_user)
    response = client.post(reverse("chat-messages"), {"merchant": storefront.merchant.slug,
                                                      "text": "where is ORD-5001"}, format="json")
    assert "shipped" in response.json()["messages"][1]["text"]
    assert Conversation.objects.get().customer == storefront.shopper


def test_polling_never_shows_another_shoppers_conversation(storefront, customer_user):
    theirs = Conversation.objects.create(merchant=storefront.merchant, customer=storefront.other)
    Message.objects.create(conversation=theirs, sender="shopper", text="my secret address")
    client = APIClient()
    client.force_login(customer_user)
    response = client.get(reverse("chat-messages"), {"merchant": storefront.merchant.slug})
    assert response.status_code == 200 and response.json()["conversation"] != theirs.pk
    assert "secret" not in response.content.decode()
    anonymous = APIClient().get(reverse("chat-messages"), {"merchant": storefront.merchant.slug, "visitor": "guess"})
    assert "secret" not in anonymous.content.decode()


@override_settings(CHAT_MESSAGE_MAX_CHARS=20)
def test_oversized_and_empty_messages_name_the_field(storefront):
    from django.conf import settings

    assert settings.CHAT_MESSAGE_MAX_CHARS == 20
    url = reverse("chat-messages")
    too_long = APIClient().post(url, {"merchant": storefront.merchant.slug, "text": "x" * 21}, format="json")
    assert too_long.status_code == 400 and "20 characters" in too_long.json()["errors"]["text"][0]
    empty = APIClient().post(url, {"merchant": storefront.merchant.slug, "text": "  "}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    assert not Message.objects.exists()


def test_unknown_storefront_and_bad_token(storefront):
    url = reverse("chat-messages")
    assert APIClient().post(url, {"merchant": "nope", "text": "hi"}, format="json").status_code == 404
    bad = APIClient().post(url, {"merchant": storefront.merchant.slug, "text": "hi", "token": "x:y"}, format="json")
    assert bad.status_code == 400 and "token" in bad.json()["errors"]
