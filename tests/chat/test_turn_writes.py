"""The bot turn's hand-built UPDATE and INSERT write what the ORM's update() and bulk_create() would."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.chat import services
from apps.chat.models import Conversation, Message
from apps.core.sql_rows import row_update, values_insert

COMPARED = ("conversation_id", "sender", "agent_id", "text", "client_id", "intent", "confidence", "entities",
            "understood", "quick_replies", "created_at")


def _messages(conversation, suffix: str, now=None) -> list[Message]:
    now = now or timezone.now()
    return [
        Message(conversation=conversation, sender=Message.Sender.SHOPPER, text="is the mug dishwasher safe?",
                client_id=f"c-{suffix}", intent="product_info", confidence=0.8123,
                entities={"products": [{"product_id": 1, "title": "Mug", "score": 100.0}]}, understood=True,
                created_at=now),
        Message(conversation=conversation, sender=Message.Sender.BOT, text="Yes, it is.",
                quick_replies=["Return policy", "Talk to a human"], created_at=now),
    ]


@pytest.mark.django_db
def test_insert_stores_the_rows_bulk_create_would_and_sets_their_ids(shopper_identity):
    conversation = services.conversation_for(shopper_identity)
    now = timezone.now()
    by_orm, by_sql = _messages(conversation, "orm", now), _messages(conversation, "sql", now)
    Message.objects.bulk_create(by_orm)
    values_insert(by_sql)

    assert all(m.pk and not m._state.adding for m in by_sql) and by_sql[0].pk < by_sql[1].pk
    stored = {row["id"]: row for row in Message.objects.filter(conversation=conversation).values("id", *COMPARED)}
    for orm, sql in zip(by_orm, by_sql, strict=True):
        expected = {**stored[orm.pk], "client_id": stored[orm.pk]["client_id"].replace("orm", "sql")}
        assert {**stored[sql.pk], "id": orm.pk} == expected


@pytest.mark.django_db
def test_insert_of_a_stored_client_id_raises_integrity_error(shopper_identity):
    conversation = services.conversation_for(shopper_identity)
    values_insert(_messages(conversation, "once"))
    with pytest.raises(IntegrityError), transaction.atomic():
        values_insert(_messages(conversation, "once"))
    assert Message.objects.filter(conversation=conversation).count() == 2


@pytest.mark.django_db
def test_update_matches_only_an_unchanged_row_and_writes_json(shopper_identity):
    conversation = services.conversation_for(shopper_identity)
    seen = conversation.last_message_at
    now = timezone.now()
    changes = {"last_message_at": now, "updated_at": now, "state": {"awaiting": "order_number", "misunderstood": 1},
               "last_intent": "order_status"}

    assert row_update(Conversation, conversation.pk, changes, status=Conversation.Status.BOT,
                           last_message_at=seen) == 1
    # The same copy again: the row has moved on, so nothing matches (the turn's compare-and-swap).
    assert row_update(Conversation, conversation.pk, {"last_intent": "greeting"}, status=Conversation.Status.BOT,
                           last_message_at=seen) == 0
    assert row_update(Conversation, conversation.pk, {"last_intent": "faq"}, status=Conversation.Status.WAITING,
                           last_message_at=now) == 0
    row = Conversation.objects.get(pk=conversation.pk)
    assert (row.last_message_at, row.state, row.last_intent) == (now, changes["state"], "order_status")
    assert row_update(Conversation, conversation.pk, {"status": Conversation.Status.WAITING}) == 1
    assert Conversation.objects.get(pk=conversation.pk).status == Conversation.Status.WAITING
