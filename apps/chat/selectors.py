"""Reads of the chat: message and conversation payloads (the same dicts go over websockets and
the API), the agent inbox, customer context, the bot's FAQ suggestion, and tenant-scoped lists."""
from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from apps.chat.models import Conversation, Message
from apps.chat.nlu import faq_index
from apps.core.tenancy import scope_for_user
from apps.orders.models import Order

TRANSCRIPT_LIMIT = 200
INBOX_STATUSES = (Conversation.Status.WAITING, Conversation.Status.AGENT)


def message_payload(message: Message) -> dict:
    agent = message.agent.get_full_name() or message.agent.username if message.agent_id and message.agent else ""
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": message.sender,
        "text": message.text,
        "agent": agent,
        "quick_replies": message.quick_replies or [],
        "intent": message.intent,
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id,
    }


def shopper_message_payload(message: Message) -> dict:
    """What the shopper's widget gets: no intents or confidences."""
    payload = message_payload(message)
    payload.pop("intent")
    return payload


def transcript(conversation_id: int, *, after: int = 0, limit: int = TRANSCRIPT_LIMIT) -> list[Message]:
    messages = Message.objects.filter(conversation_id=conversation_id, pk__gt=after).select_related("agent")
    return list(messages.order_by("-pk")[:limit])[::-1]


def customer_label(conversation: Conversation) -> str:
    customer = conversation.customer
    if customer is None:
        return f"Anonymous visitor {conversation.visitor_id[:6]}"
    return customer.name or customer.email or customer.external_id


def conversation_summary(conversation: Conversation) -> dict:
    last = conversation.messages.filter(sender=Message.Sender.SHOPPER).order_by("-pk").first()
    return {
        "id": conversation.pk,
        "merchant": conversation.merchant.name,
        "status": conversation.status,
        "intent": conversation.last_intent,
        "handoff_reason": conversation.handoff_reason,
        "agent": conversation.agent.username if conversation.agent_id else "",
        "customer": customer_label(conversation),
        "waiting_since": conversation.handoff_at.isoformat() if conversation.handoff_at else None,
        "last_message": last.text[:140] if last else "",
        "last_message_at": conversation.last_message_at.isoformat(),
    }


def inbox_conversations() -> list[Conversation]:
    """Handed-over conversations not yet closed, the longest waiting first."""
    return list(Conversation.objects.filter(status__in=INBOX_STATUSES).select_related("merchant", "agent", "customer")
                .order_by("handoff_at", "pk")[:200])


def customer_context(conversation: Conversation) -> dict:
    """What an agent sees beside the transcript: who the shopper is and their recent orders here."""
    context = {"customer": customer_label(conversation), "signed_in": conversation.customer_id is not None,
               "email": "", "orders": [], "segment": ""}
    if conversation.customer_id:
        context["email"] = conversation.customer.email
        context["segment"] = _segment(conversation.customer_id, conversation.merchant_id)
        orders = Order.objects.filter(merchant_id=conversation.merchant_id, customer_id=conversation.customer_id)
        context["orders"] = [
            {"number": o.number, "status": o.status, "total": f"{o.total:.2f}", "currency": o.currency,
             "placed_at": o.placed_at.date().isoformat()}
            for o in orders.order_by("-placed_at")[:5]
        ]
    return context


def _segment(customer_id: int, merchant_id: int) -> str:
    """The customer's segment at this merchant when the segmentation capability is installed and has run."""
    if not apps.is_installed("apps.segments"):
        return ""
    from apps.segments.selectors import customer_segment_name

    return customer_segment_name(customer_id=customer_id, merchant_id=merchant_id) or ""


def faq_suggestion(conversation: Conversation) -> dict | None:
    """The FAQ answer the bot would give to the shopper's last message, for the agent to send or edit."""
    last = conversation.messages.filter(sender=Message.Sender.SHOPPER).order_by("-pk").first()
    if last is None:
        return None
    topic = last.intent if last.intent in {"shipping_info", "returns_refunds", "customization_help", "faq"} else None
    match = faq_index(conversation.merchant_id).answer_for(last.text, topic=topic)
    if match is None:
        return None
    return {"question": match.question, "answer": match.answer, "score": match.score}


def conversation_detail(conversation: Conversation) -> dict:
    return {
        "conversation": conversation_summary(conversation),
        "messages": [message_payload(m) for m in transcript(conversation.pk)],
        "context": customer_context(conversation),
        "suggestion": faq_suggestion(conversation),
    }


def conversation_list(*, user) -> QuerySet[Conversation]:
    """Conversations the user may read: agents and admins all, merchant staff their merchants'."""
    return scope_for_user(Conversation.objects.select_related("merchant", "customer", "agent"), user)
