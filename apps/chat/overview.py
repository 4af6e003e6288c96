"""Figures of the chat overview page, over the conversations a user may read."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import Lower, TruncDate
from django.utils import timezone

from apps.chat.models import Conversation, Message

OVERVIEW_DAYS = 30


@dataclass(frozen=True)
class ChatOverview:
    conversations: int
    handed_off: int
    containment_rate: float | None
    handoff_rate: float | None
    median_first_response_seconds: float | None
    csat_average: float | None
    csat_count: int
    per_day: list[tuple[date, int]] = field(default_factory=list)
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[tuple[str, int]] = field(default_factory=list)


def chat_overview(conversations, *, days: int = OVERVIEW_DAYS) -> ChatOverview:
    """`conversations` is already scoped to the user (selectors.conversation_list)."""
    since = timezone.now() - timedelta(days=days)
    recent = conversations.filter(created_at__gte=since)
    totals = recent.aggregate(n=Count("id"), handed=Count("id", filter=Q(handoff_at__isnull=False)),
                              csat_avg=Avg("csat"), rated=Count("id", filter=Q(csat__isnull=False)))
    total, handed = totals["n"], totals["handed"]
    waits = [
        (first - handoff).total_seconds()
        for handoff, first in recent.filter(first_agent_reply_at__isnull=False, handoff_at__isnull=False)
        .values_list("handoff_at", "first_agent_reply_at")
    ]
    per_day = list(recent.annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id"))
                   .order_by("day").values_list("day", "n"))
    shopper = Message.objects.filter(conversation__in=recent, sender=Message.Sender.SHOPPER)
    intents = list(shopper.exclude(intent__in=["", "unknown"]).values("intent").annotate(n=Count("id"))
                   .order_by("-n", "intent").values_list("intent", "n")[:8])
    unanswered = list(shopper.filter(understood=False).annotate(t=Lower("text")).values("t").annotate(n=Count("id"))
                      .order_by("-n", "t").values_list("t", "n")[:10])
    return ChatOverview(
        conversations=total,
        handed_off=handed,
        containment_rate=(total - handed) / total if total else None,
        handoff_rate=handed / total if total else None,
        median_first_response_seconds=statistics.median(waits) if waits else None,
        csat_average=float(totals["csat_avg"]) if totals["csat_avg"] is not None else None,
        csat_count=totals["rated"],
        per_day=per_day,
        top_intents=intents,
        unanswered=unanswered,
    )


def recent_conversations(conversations, *, limit: int = 25) -> list[Conversation]:
    return list(conversations.order_by("-last_message_at")[:limit])
