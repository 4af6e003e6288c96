"""The chat websockets end to end on the channel layer: shopper to bot, handoff to an agent,
the claim race, who may join what, and the limits."""
from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from apps.chat.consumers import AgentInboxConsumer, ShopperChatConsumer
from apps.chat.identity import shopper_token_issue
from apps.chat.models import Conversation, Message
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


async def shopper_socket(merchant, *, user=None, query: str = ""):
    url = f"/ws/chat/?merchant={merchant.slug}{query}"
    communicator = WebsocketCommunicator(ShopperChatConsumer.as_asgi(), url)
    communicator.scope["user"] = user or AnonymousUser()
    communicator.scope["client"] = ("10.0.0.1", 5000)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def agent_socket(user):
    communicator = WebsocketCommunicator(AgentInboxConsumer.as_asgi(), "/ws/chat/inbox/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive_until(communicator, kind: str, *, sender: str | None = None, timeout: float = 3):
    """The next event of `kind` (and message sender), skipping others."""
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event["type"] != kind:
            continue
        if sender and event.get("message", {}).get("sender") != sender:
            continue
        return event


async def say(communicator, text: str, client_id: str = "") -> dict:
    await communicator.send_json_to({"type": "message", "text": text, "client_id": client_id})
    return (await receive_until(communicator, "message", sender="bot"))["message"]


async def test_signed_in_shopper_asks_for_order_and_bot_remembers_the_question(storefront, customer_user, intent_model):
    comm, connected, _ = await shopper_socket(storefront.merchant, user=customer_user)
    assert connected
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello" and hello["signed_in"] and hello["visitor"] == ""

    asked = await say(comm, "where is my order?")
    assert "which order" in asked["text"].lower()
    assert "Where is ORD-5001?" in asked["quick_replies"]

    answer = await say(comm, "ord 5001")
    assert "ORD-5001" in answer["text"] and "shipped" in answer["text"]
    assert "intent" not in answer  # shoppers never see the classifier's output

    stored = await sync_to_async(list)(Message.objects.filter(conversation_id=hello["conversation"]).order_by("id")
                                       .values_list("sender", "intent"))
    assert stored == [("shopper", "order_status"), ("bot", ""), ("shopper", "order_status"), ("bot", "")]
    await comm.disconnect()


async def test_another_customers_order_is_answered_like_a_missing_one(storefront, customer_user, intent_model):
    comm, _, _ = await shopper_socket(storefront.merchant, user=customer_user)
    await comm.receive_json_from()
    foreign = await say(comm, "where is my order ORD-5002")
    missing = await say(comm, "where is my order ORD-9999")
    assert "couldn't find" in foreign["text"]
    assert foreign["text"].replace("5002", "X") == missing["text"].replace("9999", "X")
    await comm.disconnect()


async def test_message_is_stored_before_the_answer_and_a_resend_is_not_doubled(storefront, customer_user, intent_model):
    comm, _, _ = await shopper_socket(storefront.merchant, user=customer_user)
    await comm.receive_json_from()
    await say(comm, "hello", client_id="c-1")
    await comm.send_json_to({"type": "message", "text": "hello", "client_id": "c-1"})  # retry after a reconnect
    echoed = await receive_until(comm, "message", sender="shopper")
    assert echoed["message"]["client_id"] == "c-1"
    assert await sync_to_async(Message.objects.filter(client_id="c-1").count)() == 1
    await comm.disconnect()


async def test_reconnect_resumes_after_the_last_seen_message(storefront, customer_user, intent_model):
    comm, _, _ = await shopper_socket(storefront.merchant, user=customer_user)
    await comm.receive_json_from()
    first = await say(comm, "hi")
    await comm.disconnect()
    again, _, _ = await shopper_socket(storefront.merchant, user=customer_user, query=f"&after={first['id'] - 1}")
    hello = await again.receive_json_from()
    assert [m["id"] for m in hello["messages"]] == [first["id"]]
    await again.disconnect()


async def test_handoff_reaches_the_agent_who_claims_and_replies(storefront, customer_user, agent, intent_model):
    inbox, connected, _ = await agent_socket(agent)
    assert connected
    assert (await inbox.receive_json_from())["type"] == "inbox"
    shopper, _, _ = await shopper_socket(storefront.merchant, user=customer_user)
    hello = await shopper.receive_json_from()

    handoff = await say(shopper, "I want to talk to a human")
    assert "support team" in handoff["text"]
    assert (await receive_until(shopper, "status"))["status"] == "waiting"
    waiting = await receive_until(inbox, "conversation")
    assert waiting["conversation"]["id"] == hello["conversation"] and waiting["conversation"]["status"] == "waiting"

    await inbox.send_json_to({"type": "open", "conversation": hello["conversation"]})
    detail = await receive_until(inbox, "detail")
    assert detail["context"]["orders"][0]["number"] == "ORD-5001"
    assert detail["messages"][0]["intent"] == "escalate_to_human"

    await inbox.send_json_to({"type": "claim", "conversation": hello["conversation"]})
    assert (await receive_until(inbox, "claimed"))["conversation"] == hello["conversation"]
    assert (await receive_until(shopper, "status"))["status"] == "agent"

    # The bot is silent from now on: the shopper's message goes to the agent only.
    await shopper.send_json_to({"type": "message", "text": "my mug is the wrong colour", "client_id": "x1"})
    seen = await receive_until(inbox, "message", sender="shopper")
    assert seen["message"]["text"] == "my mug is the wrong colour"
    await shopper.send_json_to({"type": "typing"})
    assert (await receive_until(inbox, "typing"))["sender"] == "shopper"

    await inbox.send_json_to({"type": "reply", "conversation": hello["conversation"], "text": "Sorry! Sending a new one."})
    reply = await receive_until(shopper, "message", sender="agent")
    assert reply["message"]["text"] == "Sorry! Sending a new one." and reply["message"]["agent"] == "agent1"
    senders = await sync_to_async(list)(Message.objects.filter(conversation_id=hello["conversation"])
                                        .values_list("sender", flat=True))
    assert senders.count("bot") == 1  # only the handoff announcement

    await inbox.send_json_to({"type": "close", "conversation": hello["conversation"], "resolution": "remade"})
    assert (await receive_until(shopper, "status"))["status"] == "closed"
    await shopper.send_json_to({"type": "rate", "rating": 5})
    assert (await receive_until(shopper, "rated"))["rating"] == 5
    conversation = await sync_to_async(Conversation.objects.get)(pk=hello["conversation"])
    assert conversation.csat == 5 and conversation.first_agent_reply_at is not None
    await shopper.disconnect()
    await inbox.disconnect()


async def test_two_agents_racing_to_claim_one_wins(storefront, agent, platform_admin):
    conversation = await sync_to_async(Conversation.objects.create)(
        merchant=storefront.merchant, customer=storefront.shopper, status="waiting")
    first, _, _ = await agent_socket(agent)
    second, _, _ = await agent_socket(platform_admin)
    await first.receive_json_from()
    await second.receive_json_from()
    await asyncio.gather(first.send_json_to({"type": "claim", "conversation": conversation.pk}),
                         second.send_json_to({"type": "claim", "conversation": conversation.pk}))

    async def outcome(comm):
        while True:
            event = await comm.receive_json_from(timeout=3)
            if event["type"] in ("claimed", "error"):
                return event

    results = await asyncio.gather(outcome(first), outcome(second))
    assert sorted(r["type"] for r in results) == ["claimed", "error"]
    assert [r for r in results if r["type"] == "error"][0]["code"] == "taken"
    await first.disconnect()
    await second.disconnect()


async def test_shopper_cannot_join_someone_elses_conversation(storefront, customer_user):
    theirs = await sync_to_async(Conversation.objects.create)(merchant=storefront.merchant, customer=storefront.other)
    _, connected, code = await shopper_socket(storefront.merchant, user=customer_user, query=f"&conversation={theirs.pk}")
    assert not connected and code == 4403
    _, connected, code = await shopper_socket(storefront.merchant, query=f"&conversation={theirs.pk}")
    assert not connected and code == 4403


async def test_anonymous_visitors_get_separate_conversations(storefront):
    one, _, _ = await shopper_socket(storefront.merchant)
    two, _, _ = await shopper_socket(storefront.merchant)
    hello_one, hello_two = await one.receive_json_from(), await two.receive_json_from()
    assert hello_one["conversation"] != hello_two["conversation"]
    assert hello_one["visitor"] and not hello_one["signed_in"]
    await one.disconnect()
    back, _, _ = await shopper_socket(storefront.merchant, query=f"&visitor={hello_one['visitor']}")
    assert (await back.receive_json_from())["conversation"] == hello_one["conversation"]
    forged, _, _ = await shopper_socket(storefront.merchant, query="&visitor=someone-else")
    assert (await forged.receive_json_from())["conversation"] not in (hello_one["conversation"], hello_two["conversation"])
    for comm in (two, back, forged):
        await comm.disconnect()


async def test_storefront_token_identifies_the_customer_and_a_forged_one_is_refused(storefront):
    token = shopper_token_issue(merchant_id=storefront.merchant.pk, customer_id=storefront.shopper.pk)
    comm, connected, _ = await shopper_socket(storefront.merchant, query=f"&token={token}")
    assert connected and (await comm.receive_json_from())["signed_in"]
    await comm.disconnect()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    bad, _, _ = await shopper_socket(storefront.merchant, query=f"&token={forged}")
    assert (await bad.receive_json_from())["code"] == "invalid_token"
    assert (await bad.receive_output())["type"] == "websocket.close"


async def test_unknown_storefront_is_refused(db):
    merchant = await sync_to_async(factories.MerchantFactory.build)(slug="no-such-shop")
    _, connected, code = await shopper_socket(merchant)
    assert not connected and code == 4404


async def test_agents_need_the_agent_role(staff_a, customer_user):
    _, connected, code = await agent_socket(AnonymousUser())
    assert not connected and code == 4401
    for user in (staff_a, customer_user):
        _, connected, code = await agent_socket(user)
        assert not connected and code == 4403


async def test_agent_cannot_reply_without_claiming(storefront, agent):
    conversation = await sync_to_async(Conversation.objects.create)(merchant=storefront.merchant, status="waiting")
    inbox, _, _ = await agent_socket(agent)
    await inbox.receive_json_from()
    await inbox.send_json_to({"type": "reply", "conversation": conversation.pk, "text": "hi"})
    assert (await receive_until(inbox, "error"))["code"] == "not_yours"
    await inbox.disconnect()


@override_settings(CHAT_MESSAGE_MAX_CHARS=50)
async def test_oversized_message_is_refused_and_not_stored(storefront):
    comm, _, _ = await shopper_socket(storefront.merchant)
    await comm.receive_json_from()
    await comm.send_json_to({"type": "message", "text": "x" * 51, "client_id": "big"})
    error = await receive_until(comm, "error")
    assert error["code"] == "too_long" and "50 characters" in error["detail"] and error["client_id"] == "big"
    assert not await sync_to_async(Message.objects.exists)()
    await comm.disconnect()


@override_settings(CHAT_CONNECTION_MESSAGES_PER_MINUTE=2)
async def test_connection_rate_limit(storefront):
    comm, _, _ = await shopper_socket(storefront.merchant)
    await comm.receive_json_from()
    await say(comm, "hi")
    await say(comm, "hello")
    await comm.send_json_to({"type": "message", "text": "hey again"})
    assert (await receive_until(comm, "error"))["code"] == "rate_limited"
    await comm.disconnect()


@override_settings(CHAT_IP_MESSAGES_PER_MINUTE=1)
async def test_ip_rate_limit_spans_connections(storefront):
    from django.core.cache import cache

    await sync_to_async(cache.clear)()
    one, _, _ = await shopper_socket(storefront.merchant)
    two, _, _ = await shopper_socket(storefront.merchant)
    await one.receive_json_from()
    await two.receive_json_from()
    await say(one, "hi")
    await two.send_json_to({"type": "message", "text": "hello"})
    assert (await receive_until(two, "error"))["code"] == "rate_limited"
    await one.disconnect()
    await two.disconnect()


def test_cross_origin_chat_socket_is_rejected():
    from config.asgi import application

    async def attempt():
        comm = WebsocketCommunicator(application, "/ws/chat/?merchant=x", headers=[(b"origin", b"http://evil.example")])
        connected, _ = await comm.connect()
        return connected

    assert asyncio.run(attempt()) is False
