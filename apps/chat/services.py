"""Writes of the chat: shopper turns (stored, then answered), handoff, and the agents' actions.

Each function is synchronous and runs in a worker thread (consumers call it through
database_sync_to_async). A shopper's message is committed with its intent, confidence and
entities before the bot's reply is stored or sent, so a worker dying mid-answer loses no message.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.chat.identity import ShopperIdentity
from apps.chat.knowledge import StorefrontKnowledge
from apps.chat.models import Conversation, Message
from apps.chat.nlu import understand
from ml.chat.dialogue import DialogueState, respond

AGENT_ROLES = frozenset({"support_agent", "platform_admin"})
OPEN_STATUSES = (Conversation.Status.BOT, Conversation.Status.WAITING, Conversation.Status.AGENT)


class ChatRefused(Exception):
    """An action the caller may not take now; `code` is sent to the client, the message shown."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def is_agent(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in AGENT_ROLES))


def text_clean(text) -> str:
    """The text to store, or ChatRefused: empty, not a string, or over the size limit."""
    if not isinstance(text, str) or not text.strip():
        raise ChatRefused("empty", "Please type a message.")
    limit = settings.CHAT_MESSAGE_MAX_CHARS
    if len(text) > limit:
        raise ChatRefused("too_long", f"Messages are limited to {limit} characters; this one has {len(text)}.")
    return text.strip()


def conversation_for(identity: ShopperIdentity) -> Conversation:
    """The shopper's open conversation on this storefront, or a new one."""
    mine = Conversation.objects.filter(merchant_id=identity.merchant_id, status__in=OPEN_STATUSES)
    mine = mine.filter(customer_id=identity.customer_id) if identity.signed_in else mine.filter(
        customer__isnull=True, visitor_id=identity.visitor_id)
    found = mine.order_by("-last_message_at").first()
    if found is not None:
        return found
    return Conversation.objects.create(merchant_id=identity.merchant_id, customer_id=identity.customer_id,
                                       visitor_id="" if identity.signed_in else identity.visitor_id)


def conversation_owned(identity: ShopperIdentity, conversation_id: int) -> Conversation | None:
    """A conversation by id only if it is this shopper's (for resuming or rating); else None."""
    mine = Conversation.objects.filter(pk=conversation_id, merchant_id=identity.merchant_id)
    mine = mine.filter(customer_id=identity.customer_id) if identity.signed_in else mine.filter(
        customer__isnull=True, visitor_id=identity.visitor_id)
    return mine.first()


@dataclass
class TurnResult:
    conversation: Conversation
    shopper_message: Message
    replies: list[Message] = field(default_factory=list)
    duplicate: bool = False
    handed_off: bool = False


def shopper_message_handle(*, identity: ShopperIdentity, conversation_id: int, text: str, client_id: str = "") -> TurnResult:
    """Store the shopper's message, then let the bot answer unless a human has the conversation.

    A resend with a client id already stored (the widget retrying after a reconnect) returns
    the stored message and the replies that followed it, without storing or answering again.
    A message to a closed conversation starts a new one.
    """
    text = text_clean(text)
    client_id = (client_id or "")[:64]
    conversation = conversation_owned(identity, conversation_id)
    if conversation is None:
        raise ChatRefused("not_found", "This conversation is not yours.")
    if conversation.status == Conversation.Status.CLOSED:
        conversation = conversation_for(identity)

    bot_answers = conversation.status == Conversation.Status.BOT
    understanding = understand(text, merchant_id=identity.merchant_id) if bot_answers else None
    # The answer is worked out first (reads only, nothing sent), so the shopper's message is stored
    # once, complete with `understood`, instead of being updated after the reply.
    reply, next_state = (
        respond(DialogueState.from_dict(conversation.state), understanding, StorefrontKnowledge(identity))
        if bot_answers else (None, None)
    )
    now = timezone.now()
    try:
        # One autocommitted INSERT: the message is durable before the answer is stored or sent.
        # A resend (same client id) hits the unique constraint: no lookup before every message.
        # Inside a caller's transaction a savepoint keeps that error from aborting it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            message = Message.objects.create(
                conversation=conversation, sender=Message.Sender.SHOPPER, text=text, client_id=client_id,
                intent=(understanding.intent or "unknown") if understanding else "",
                confidence=round(understanding.prediction.confidence, 4) if understanding else None,
                entities=understanding.entities.as_dict() if understanding else {},
                understood=reply.understood if reply else None,
                created_at=now,
            )
    except IntegrityError:  # a resend after a reconnect, or the same id racing in from a second socket
        stored = conversation.messages.get(client_id=client_id)
        later = list(conversation.messages.filter(pk__gt=stored.pk).exclude(sender=Message.Sender.SHOPPER)[:5])
        return TurnResult(conversation, stored, later, duplicate=True)
    if not bot_answers:
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        return TurnResult(conversation, message)
    return _bot_turn(conversation, message, understanding, reply, next_state)


def _bot_turn(conversation: Conversation, message: Message, understanding, reply, next_state) -> TurnResult:
    now = timezone.now()
    with transaction.atomic():
        answer = Message.objects.create(conversation=conversation, sender=Message.Sender.BOT, text=reply.text,
                                        quick_replies=reply.quick_replies, created_at=now)
        conversation.state = next_state.as_dict()
        conversation.last_message_at = now
        if understanding.intent:
            conversation.last_intent = understanding.intent
        fields = ["state", "last_message_at", "last_intent", "updated_at"]
        if reply.handoff_reason:
            conversation.status = Conversation.Status.WAITING
            conversation.handoff_reason = reply.handoff_reason
            conversation.handoff_at = now
            fields += ["status", "handoff_reason", "handoff_at"]
        conversation.save(update_fields=fields)
    return TurnResult(conversation, message, [answer], handed_off=bool(reply.handoff_reason))


def handoff_request(*, identity: ShopperIdentity, conversation_id: int) -> Conversation:
    """The widget's "talk to a human" button: hand over without going through the bot."""
    conversation = conversation_owned(identity, conversation_id)
    if conversation is None:
        raise ChatRefused("not_found", "This conversation is not yours.")
    updated = Conversation.objects.filter(pk=conversation.pk, status=Conversation.Status.BOT).update(
        status=Conversation.Status.WAITING, handoff_reason="requested", handoff_at=timezone.now())
    conversation.refresh_from_db()
    if not updated and conversation.status == Conversation.Status.CLOSED:
        raise ChatRefused("closed", "This conversation is closed.")
    return conversation


def _agent_required(user) -> None:
    if not is_agent(user):
        raise ChatRefused("forbidden", "Only support agents may do this.")


def conversation_claim(*, conversation_id: int, agent) -> Conversation:
    """Take a waiting conversation. One conditional UPDATE: of two agents racing, exactly one wins."""
    _agent_required(agent)
    won = Conversation.objects.filter(pk=conversation_id, status=Conversation.Status.WAITING, agent__isnull=True).update(
        status=Conversation.Status.AGENT, agent=agent, updated_at=timezone.now())
    if not won:
        raise ChatRefused("taken", "Another agent has already claimed this conversation, or it is not waiting.")
    return Conversation.objects.select_related("agent").get(pk=conversation_id)


def _held(conversation_id: int, agent) -> Conversation:
    _agent_required(agent)
    conversation = Conversation.objects.filter(pk=conversation_id).select_related("agent").first()
    if conversation is None:
        raise ChatRefused("not_found", "No such conversation.")
    if conversation.status != Conversation.Status.AGENT or conversation.agent_id != agent.pk:
        raise ChatRefused("not_yours", "Claim the conversation before replying to it.")
    return conversation


def agent_reply(*, conversation_id: int, agent, text: str) -> Message:
    text = text_clean(text)
    conversation = _held(conversation_id, agent)
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(conversation=conversation, sender=Message.Sender.AGENT, agent=agent,
                                         text=text, created_at=now)
        changes = {"last_message_at": now, "updated_at": now}
        if conversation.first_agent_reply_at is None:
            changes["first_agent_reply_at"] = now
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
    return message


def conversation_transfer(*, conversation_id: int, agent, to_username: str = "") -> Conversation:
    """Hand a held conversation to another agent, or back to the waiting queue (empty name)."""
    from apps.accounts.models import User

    conversation = _held(conversation_id, agent)
    if to_username:
        target = User.objects.filter(username=to_username, is_active=True).first()
        if target is None or not is_agent(target):
            raise ChatRefused("unknown_agent", f"No support agent called {to_username!r}.")
        conversation.agent = target
    else:
        conversation.agent = None
        conversation.status = Conversation.Status.WAITING
    conversation.save(update_fields=["agent", "status", "updated_at"])
    return conversation


def conversation_close(*, conversation_id: int, agent, resolution: str) -> Conversation:
    if not isinstance(resolution, str) or not resolution.strip():
        raise ChatRefused("resolution_required", "Say how the conversation was resolved before closing it.")
    conversation = _held(conversation_id, agent)
    conversation.status = Conversation.Status.CLOSED
    conversation.closed_at = timezone.now()
    conversation.resolution = resolution.strip()[:2000]
    conversation.save(update_fields=["status", "closed_at", "resolution", "updated_at"])
    return conversation


def conversation_rate(*, identity: ShopperIdentity, conversation_id: int, rating) -> Conversation:
    """The shopper's CSAT (1-5), once, after an agent closed the conversation."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ChatRefused("invalid_rating", "Ratings go from 1 to 5.")
    conversation = conversation_owned(identity, conversation_id)
    if conversation is None:
        raise ChatRefused("not_found", "This conversation is not yours.")
    rated = Conversation.objects.filter(pk=conversation.pk, status=Conversation.Status.CLOSED, csat__isnull=True).update(
        csat=rating)
    if not rated:
        raise ChatRefused("not_rateable", "Only a closed conversation can be rated, once.")
    conversation.refresh_from_db()
    return conversation
