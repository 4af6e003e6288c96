"""Writes of the chat: shopper turns (stored, then answered), handoff, and the agents' actions.

Each function is synchronous and runs in a worker thread (consumers call it through
database_sync_to_async). A shopper's message is committed with its intent, confidence and
entities, in the same transaction as the bot's reply, before anything is sent: a worker dying
mid-answer has echoed nothing, so the widget still holds the message and resends it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.chat.identity import ShopperIdentity
from apps.chat.knowledge import StorefrontKnowledge
from apps.chat.models import Conversation, Message
from apps.chat.nlu import understand
from apps.core.sql_rows import row_update, values_insert
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


class _Stale(Exception):
    """The conversation changed since the caller read it (another tab's turn, a handoff, a close)."""


STALE_RETRIES = 3


def shopper_message_handle(*, identity: ShopperIdentity, conversation_id: int, text: str, client_id: str = "",
                           conversation: Conversation | None = None) -> TurnResult:
    """Store the shopper's message, then let the bot answer unless a human has the conversation.

    `conversation` is the caller's copy of the conversation (the websocket consumer keeps the
    one it loaded for this shopper and the one each turn returns): a bot turn then reads
    nothing. It is trusted only as far as a compare-and-swap goes: the turn's UPDATE matches the
    row only while it is still with the bot and unchanged since that copy (same
    `last_message_at`); otherwise the conversation is read again and the turn redone.

    A resend with a client id already stored (the widget retrying after a reconnect) returns
    the stored message and the replies that followed it, without storing or answering again.
    A message to a closed conversation starts a new one.
    """
    text = text_clean(text)
    client_id = (client_id or "")[:64]
    copy_usable = (conversation is not None and conversation.pk == conversation_id
                   and conversation.status == Conversation.Status.BOT)
    for _ in range(STALE_RETRIES):
        if not copy_usable:
            conversation = conversation_owned(identity, conversation_id)
            if conversation is None:
                raise ChatRefused("not_found", "This conversation is not yours.")
            if conversation.status == Conversation.Status.CLOSED:
                conversation = conversation_for(identity)
        try:
            return _turn(identity, conversation, text, client_id)
        except _Stale:
            copy_usable = False
    raise ChatRefused("busy", "The conversation changed while answering; please send your message again.")


def _turn(identity: ShopperIdentity, conversation: Conversation, text: str, client_id: str) -> TurnResult:
    bot_answers = conversation.status == Conversation.Status.BOT
    understanding = understand(text, merchant_id=identity.merchant_id) if bot_answers else None
    # The answer is worked out first (reads only, nothing sent), so both messages are written in
    # one INSERT, the shopper's complete with `understood`.
    reply, next_state = (
        respond(DialogueState.from_dict(conversation.state), understanding, StorefrontKnowledge(identity))
        if bot_answers else (None, None)
    )
    now = timezone.now()
    shopper = Message(
        conversation=conversation, sender=Message.Sender.SHOPPER, text=text, client_id=client_id,
        intent=(understanding.intent or "unknown") if understanding else "",
        confidence=round(understanding.prediction.confidence, 4) if understanding else None,
        entities=understanding.entities.as_dict() if understanding else {},
        understood=reply.understood if reply else None,
        created_at=now,
    )
    rows = [shopper]
    changes: dict = {"last_message_at": now, "updated_at": now}
    if bot_answers:
        rows.append(Message(conversation=conversation, sender=Message.Sender.BOT, text=reply.text,
                            quick_replies=reply.quick_replies, created_at=now))
        changes["state"] = next_state.as_dict()
        if understanding.intent:
            changes["last_intent"] = understanding.intent
        if reply.handoff_reason:
            changes.update(status=Conversation.Status.WAITING, handoff_reason=reply.handoff_reason, handoff_at=now)
    try:
        # One transaction, nothing sent before its COMMIT: a worker dying mid-turn has stored
        # nothing and echoed nothing, so the widget still holds the message and resends it.
        with transaction.atomic():
            if bot_answers:
                # The compare-and-swap (and the row lock that orders two tabs' turns).
                matched = row_update(Conversation, conversation.pk, changes, status=Conversation.Status.BOT,
                                          last_message_at=conversation.last_message_at)
                if not matched:
                    raise _Stale
            else:
                row_update(Conversation, conversation.pk, changes)
            # One multi-row INSERT; a resend (same client id) hits the unique constraint, so no
            # lookup runs before every message.
            values_insert(rows)
    except IntegrityError:  # a resend after a reconnect, or the same id racing in from a second socket
        stored = conversation.messages.get(client_id=client_id)
        later = list(conversation.messages.filter(pk__gt=stored.pk).exclude(sender=Message.Sender.SHOPPER)[:5])
        return TurnResult(conversation, stored, later, duplicate=True)
    for name, value in changes.items():  # the caller's copy now matches the row
        setattr(conversation, name, value)
    return TurnResult(conversation, shopper, rows[1:], handed_off=bool(reply and reply.handoff_reason))


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
