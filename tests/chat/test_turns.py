"""What a bot turn costs and why the consumer's copy of the conversation is safe to keep:
statements per turn, the compare-and-swap against other tabs and a handoff, and the sending
socket getting its turn once while the shopper's other tabs get it through the channel layer."""
from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.chat import services
from apps.chat.models import Conversation, Message
from tests.chat.test_consumers import receive_until, say, shopper_socket

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def _statements(queries) -> list[str]:
    """The statements that did work, by kind (transaction control left out: it differs by backend)."""
    return sorted(q["sql"].split(None, 1)[0].upper() for q in queries if not q["sql"].startswith(TRANSACTION_CONTROL))


@pytest.mark.django_db
def test_a_bot_turn_on_the_consumers_copy_is_one_update_and_one_insert(shopper_identity, intent_model, settings):
    conversation = services.conversation_for(shopper_identity)
    first = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                            text="how much is shipping", client_id="t-1", conversation=conversation)
    settings.CHAT_KNOWLEDGE_REFRESH_SECONDS = 60  # FAQ index and catalog vocabulary stay cached, as in production
    with CaptureQueriesContext(connection) as queries:
        turn = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                               text="what is your return policy", client_id="t-2",
                                               conversation=first.conversation)
    # No read at all; both rows in one INSERT.
    assert _statements(queries.captured_queries) == ["INSERT", "UPDATE"], queries.captured_queries
    stored = list(Message.objects.filter(conversation=conversation).values_list("sender", "client_id"))
    assert stored == [("shopper", "t-1"), ("bot", ""), ("shopper", "t-2"), ("bot", "")]
    row = Conversation.objects.get(pk=conversation.pk)
    assert row.last_message_at == turn.conversation.last_message_at and row.last_intent == "returns_refunds"


@pytest.mark.django_db
def test_a_stale_copy_is_read_again_and_the_other_tabs_state_is_kept(shopper_identity, intent_model):
    conversation = services.conversation_for(shopper_identity)
    tab_one = Conversation.objects.get(pk=conversation.pk)
    tab_two = Conversation.objects.get(pk=conversation.pk)
    asked = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                            text="where is my order?", conversation=tab_one)
    assert "which order" in asked.replies[0].text.lower() and "Talk to a human" not in asked.replies[0].quick_replies
    # Tab two's copy predates that question. Answered from it, the same question would be asked
    # afresh; read again, it is the second time the bot asks for the number, so it offers a human.
    again = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                            text="where is my order?", conversation=tab_two)
    assert "Talk to a human" in again.replies[0].quick_replies
    assert Conversation.objects.get(pk=conversation.pk).state["misunderstood"] == 1
    assert Message.objects.filter(conversation=conversation).count() == 4


@pytest.mark.django_db
def test_after_a_handoff_a_stale_copy_does_not_let_the_bot_answer(shopper_identity, intent_model):
    conversation = services.conversation_for(shopper_identity)
    services.handoff_request(identity=shopper_identity, conversation_id=conversation.pk)
    assert conversation.status == Conversation.Status.BOT  # the copy does not know
    turn = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                           text="hello?", conversation=conversation)
    assert turn.replies == [] and turn.conversation.status == Conversation.Status.WAITING
    assert list(Message.objects.filter(conversation=conversation).values_list("sender", flat=True)) == ["shopper"]


@pytest.mark.django_db
def test_a_resend_writes_nothing_not_even_the_conversation(shopper_identity, intent_model):
    conversation = services.conversation_for(shopper_identity)
    first = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                            text="where is my order?", client_id="r-1", conversation=conversation)
    before = Conversation.objects.values("state", "last_message_at").get(pk=conversation.pk)
    again = services.shopper_message_handle(identity=shopper_identity, conversation_id=conversation.pk,
                                            text="where is my order?", client_id="r-1", conversation=first.conversation)
    assert again.duplicate and again.shopper_message.pk == first.shopper_message.pk
    assert [m.pk for m in again.replies] == [m.pk for m in first.replies]
    assert Conversation.objects.values("state", "last_message_at").get(pk=conversation.pk) == before
    assert Message.objects.filter(conversation=conversation).count() == 2


@pytest.mark.django_db(transaction=True)
async def test_the_sending_tab_gets_its_turn_once_and_the_other_tab_gets_it_too(storefront, customer_user, intent_model):
    one, _, _ = await shopper_socket(storefront.merchant, user=customer_user)
    two, _, _ = await shopper_socket(storefront.merchant, user=customer_user)
    hello_one, hello_two = await one.receive_json_from(), await two.receive_json_from()
    assert hello_one["conversation"] == hello_two["conversation"]

    reply = await say(one, "hi", client_id="tab-1")
    assert await one.receive_nothing(timeout=0.3)  # the channel layer's copy is skipped, not sent twice
    echoed = await receive_until(two, "message", sender="shopper")
    assert echoed["message"]["client_id"] == "tab-1"
    assert (await receive_until(two, "message", sender="bot"))["message"]["id"] == reply["id"]
    # Tab two's copy of the conversation is now stale; its turn still goes through.
    await say(two, "how much is shipping", client_id="tab-2")
    senders = await sync_to_async(list)(Message.objects.filter(conversation_id=hello_one["conversation"])
                                        .values_list("sender", flat=True))
    assert senders == ["shopper", "bot", "shopper", "bot"]
    await one.disconnect()
    await two.disconnect()
